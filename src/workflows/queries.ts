import { defineQuery } from '@temporalio/workflow';
import type { StreamProgress } from './types';

/** Live progress as JSON: on the parent, one entry per stream; on a child, its own stream. */
export const progressQuery = defineQuery<StreamProgress[]>('progress');
