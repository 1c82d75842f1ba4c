import type { Json } from '../catalog';
import { DAY } from './draw';
import type { InventoryWorld } from './ground-truth';

/**
 * Host tags as `GET /api/v1/tags/hosts` answers: each tag, with every host carrying it (from any
 * source, or from one). Datadog returns at most 10,000 host names in all.
 */
export function tagsToHosts(hosts: Json[], source?: string): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  const named = [...new Set(hosts.map((h) => String(h.host_name)))].sort().slice(0, MAX_TAGGED_HOSTS);
  const kept = new Set(named);
  for (const host of hosts) {
    const name = String(host.host_name);
    if (!kept.has(name)) continue;
    for (const [from, list] of Object.entries((host.tags_by_source as Record<string, string[]>) ?? {})) {
      if (source !== undefined && from.toLowerCase() !== source.toLowerCase()) continue;
      for (const tag of list) (tags[tag] ??= []).includes(name) || tags[tag].push(name);
    }
  }
  return tags;
}

/** The host tags Datadog answers now: of the hosts it still keeps (7 days after their last report, as the host list). */
export function hostTags(world: Pick<InventoryWorld, 'visibleHosts' | 'clock'>, source?: string): Record<string, string[]> {
  return tagsToHosts(world.visibleHosts(world.clock() - 7 * DAY), source);
}

/** "a restriction of 10k total host names from the org that can be attached to tags and returned" (the spec). */
export const MAX_TAGGED_HOSTS = 10_000;
