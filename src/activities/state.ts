import { getStream, tableSpec } from '../datadog/streams/table';
import type { SyncRecord } from '../destinations/destination';
import type { ActivityDeps } from './deps';
import { toFailure } from './failures';

export function createStateActivities({ destination }: ActivityDeps) {
  return {
    /** Moves a stream's bookmark to the end of a window whose pages are all written. */
    async commitBookmark(input: { stream: string; cursor: number; syncId: string }): Promise<void> {
      try {
        await destination.commitBookmark(input.stream, { cursor: input.cursor, syncId: input.syncId });
      } catch (err) {
        throw toFailure(err, `${input.stream}: committing bookmark`);
      }
    },

    /** Ends a full refresh: rows this sync did not see are gone upstream. */
    async completeFullRefresh(input: { stream: string; syncId: string }): Promise<number> {
      try {
        return await destination.removeRowsNotIn(tableSpec(getStream(input.stream)), input.syncId);
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
