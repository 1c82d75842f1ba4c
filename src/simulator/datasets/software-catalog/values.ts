/** Teams, people, service names and time formats the software catalog's datasets share. */
import { SERVICES } from '../../data';
import { between } from '../../random';

export const DAY = 86_400_000;
export const HEX = '0123456789abcdef';
export const TEAMS = ['platform', 'payments', 'identity', 'discovery', 'sre', 'frontend'];
export const PEOPLE = ['ana', 'li', 'sam', 'kim', 'noor', 'raj'];
const SUFFIXES = ['gateway', 'store', 'sync', 'index', 'notifier', 'scheduler', 'reporter', 'cache', 'router', 'ledger'];

/** ISO-8601 with whole seconds, as the catalog writes `createdAt`: `2022-08-04T20:37:09Z`. */
export const seconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
/** ISO-8601 with microseconds (`2023-11-01T20:25:35.217803Z`), as most of these endpoints write times. */
export const micros = (ms: number, random: () => number) => new Date(ms).toISOString().replace('Z', `${between(random, 0, 999).toString().padStart(3, '0')}Z`);
/** ISO-8601 with nanoseconds (`2026-02-05T03:58:14.876711989Z`), as cases write `modified_at`. */
export const nanos = (ms: number, random: () => number) => new Date(ms).toISOString().replace('Z', `${between(random, 0, 999_999).toString().padStart(6, '0')}Z`);
export const iso = (ms: number) => new Date(ms).toISOString();

/** A name for the i-th service: unique, and readable (`web-gateway`, `api-store`, …). */
export function serviceName(i: number): string {
  const base = `${SERVICES[i % SERVICES.length]}-${SUFFIXES[Math.floor(i / SERVICES.length) % SUFFIXES.length]}`;
  const round = Math.floor(i / (SERVICES.length * SUFFIXES.length));
  return round === 0 ? base : `${base}-${round + 1}`;
}
