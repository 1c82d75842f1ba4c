import { getStream, tableSpec } from '../datadog/streams/table';
import type { SyncRecord } from '../destinations/destination';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
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
