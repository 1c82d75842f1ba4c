import { InvalidConfigError } from '../../src/config/issues';
import { parseSyncRequest } from '../../src/config/request';

/** A fixed "now" for config tests. */
export const NOW = Date.parse('2026-06-01T00:00:00Z');

/** The problems a request is refused with, or none. */
export function problems(raw: unknown): string[] {
  try {
    parseSyncRequest(raw, NOW);
  } catch (err) {
    if (err instanceof InvalidConfigError) return err.problems;
    throw err;
  }
  return [];
}
