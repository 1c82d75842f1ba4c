import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { StreamProgress } from './types';

/** Live progress as JSON: on the parent, one entry per stream; on a child, its own stream. */
export const progressQuery = defineQuery<StreamProgress[]>('progress');

/**
 * A stream that ends without a result (failed, cancelled) tells its parent what it had written, so
 * the sync's progress, result and record of the run do not say 0 for rows that are in the table.
 */
export const streamEndedSignal = defineSignal<[StreamProgress]>('streamEnded');
