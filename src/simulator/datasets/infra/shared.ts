/** Time units, ids, formats and people the infrastructure datasets share. */
import { hashUnit, pick } from '../../random';
export type { Json } from '../catalog';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const HEX = '0123456789abcdef';
const PEOPLE = ['ana', 'li', 'sam', 'kim'];

/** Containers and processes are kept 36 hours after they were last seen (Datadog's docs). */
export const LIVE_RETENTION_MS = 36 * HOUR;

/** Zone-less UTC, to the second, as the containers and processes endpoints write their times. */
export const zoneless = (ms: number) => new Date(ms).toISOString().slice(0, 19);
export const iso = (ms: number) => new Date(ms).toISOString();

/** A Datadog-style 40-hex id (`15e90400…`), stable for its text. */
export function hexId(text: string): string {
  let id = '15e90400';
  for (let i = 0; id.length < 40; i++) id += Math.floor(hashUnit(`${text}#${i}`) * 0x10000).toString(16).padStart(4, '0');
  return id.slice(0, 40);
}

/** An end time moved away from `boundary` (± 1 hour), so a run minutes long never sees it cross. */
export function awayFrom(end: number, boundary: number): number {
  return Math.abs(end - boundary) < HOUR ? end + 2 * HOUR : end;
}

export function who(random: () => number): { handle: string; email: string; name: string } {
  const name = pick(random, PEOPLE);
  return { handle: `${name}@example.com`, email: `${name}@example.com`, name: name[0].toUpperCase() + name.slice(1) };
}
