import { getStream, tableSpec } from '../datadog/streams/table';
import { log } from '@temporalio/activity';
import type { StreamReset, SyncRecord } from '../destinations/destination';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
import type { ResetRequest } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { toFailure } from './failures';

/** Inputs scheduled before there were several organisations name none: theirs is the default one. */
export function createStateActivities({ destination }: ActivityDeps) {
  return {
    /** Moves a stream's bookmark to the end of a window whose pages are all written. */
    async commitBookmark(input: { organization?: string; stream: string; cursor: number; syncId: string }): Promise<void> {
      try {
        await destination.commitBookmark(input.stream, { cursor: input.cursor, syncId: input.syncId }, input.organization ?? DEFAULT_ORGANIZATION);
      } catch (err) {
        throw toFailure(err, `${input.stream}: committing bookmark`);
      }
    },

    /**
     * Forgets streams' bookmarks (and rows) before a sync reads them from the start. Idempotent: a
     * retry, or a replay after a crash, finds nothing more to forget.
     */
    async resetStreams(input: ResetRequest & { syncId: string }): Promise<StreamReset[]> {
      let resets: StreamReset[];
      try {
        resets = await destination.resetStreams(input.streams, { dropRows: input.dropRows, organization: input.organization });
      } catch (err) {
        throw toFailure(err, `resetting ${input.streams.join(', ')}`);
      }
      for (const reset of resets) log.info(`${input.syncId}: ${describeReset(reset)}`);
      return resets;
    },

    /** Ends a full refresh: the organisation's rows this sync did not see are gone upstream. */
    async completeFullRefresh(input: { organization?: string; stream: string; syncId: string }): Promise<number> {
      try {
        return await destination.removeRowsNotIn(tableSpec(getStream(input.stream)), input.syncId, input.organization ?? DEFAULT_ORGANIZATION);
      } catch (err) {
        throw toFailure(err, `${input.stream}: completing full refresh`);
      }
    },

    async recordSync(input: SyncRecord): Promise<void> {
      try {
        await destination.recordSync(input);
      } catch (err) {
        throw toFailure(err, `recording sync ${input.syncId}`);
      }
    },
  };
}

/** One line for a reset: what the stream had, and that it is gone. */
export function describeReset(reset: StreamReset): string {
  const bookmark = reset.bookmark ? `bookmark ${new Date(reset.bookmark.cursor).toISOString()} forgotten` : 'no bookmark';
  const rows = reset.rowsDropped === undefined ? '' : `, ${reset.rowsDropped} row${reset.rowsDropped === 1 ? '' : 's'} dropped`;
  return `${reset.stream}: ${bookmark}${rows}`;
}
