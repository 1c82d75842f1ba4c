/**
 * Whole hours and calendar months in UTC, for endpoints precise to the hour or the month. Pure (no
 * imports, no clock): workflow code cuts month windows with it too.
 */

export const HOUR_MS = 3_600_000;

/** The start of the hour holding `ms`. */
export function startOfHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The start of the UTC month holding `ms`. */
export function startOfMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The start of the UTC month `months` after the one holding `ms` (negative: before). */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
}

/** The same time of day `months` calendar months earlier or later, the day clipped to the month's last (31 March − 1 month = 28 or 29 February). */
export function shiftMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const daysInTarget = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months + 1, 0)).getUTCDate();
  const timeOfDay = ms - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, Math.min(d.getUTCDate(), daysInTarget)) + timeOfDay;
}

/** `YYYY-MM` of the UTC month holding `ms`. */
export function monthText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** A date, or a date and time with optional minutes, seconds, fraction and offset, as Datadog writes them. */
const TIME_TEXT = /^(\d{4}-\d{2}(?:-\d{2})?)(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Epoch ms of an ISO-8601 time as Datadog writes them, NaN when it is not one. A time without an
 * offset is UTC (`2023-10-27T12:38:39.585408`, the hour-precise `2022-05-21T00`), never the local
 * time `Date.parse` would read; `2024-01` is the month's first instant.
 */
export function parseUtcTime(text: string): number {
  const match = TIME_TEXT.exec(text.trim());
  if (!match) return NaN;
  const [, date, hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = match;
  const day = date.length === 7 ? `${date}-01` : date;
  const zone = /^[+-]\d{4}$/.test(offset) ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset.toUpperCase();
  return Date.parse(`${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${zone}`);
}
