import type { Json } from './datasets/catalog';

/** What a correct sync of a list holds: its records' ids (or the field that keys them), sorted as strings. */
export function sortedIds(items: readonly Json[], key = 'id'): string[] {
  return items.map((item) => String(item[key])).sort();
}

/** Per stream, the list it reads whole, or how to work out what a correct sync of it holds. */
export type Truths<Stream extends string = string> = Record<Stream, readonly Json[] | (() => string[])>;

/**
 * The ground truth of `stream` from a family's table of them: a list read whole (the ids of its
 * records), or how to work it out (so only the one asked for is); undefined for a stream not in it.
 */
export function truthOf(stream: string, truths: Truths): string[] | undefined {
  if (!Object.hasOwn(truths, stream)) return undefined;
  const truth = truths[stream];
  return typeof truth === 'function' ? truth() : sortedIds(truth);
}
