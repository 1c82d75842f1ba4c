import type { ActivityDeps } from './deps';
import { createFetchPageActivities } from './fetch-page';
import { createPlanActivities } from './plan';
import { createStateActivities } from './state';

export type { ActivityDeps } from './deps';

/** All of Retriever's activities, bound to one Datadog client factory and one destination. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPlanActivities(deps),
    ...createFetchPageActivities(deps),
    ...createStateActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
