/** How a row of the stream table says that a stream is read from another stream's table. */

/**
 * A stream read once per record of another stream, e.g. one history request per SLO. The parents are
 * not listed again: they are the rows of the parent stream's table, as the parent's own sync in the
 * same run left them (selecting a dependent stream syncs its parent first). Its pages walk that
 * table by key, `batchSize` parents a page, one request per parent (and window).
 */
export interface ParentStream {
  /** The parent stream's name in the table. */
  stream: string;
  /** Dotted path of the parent record's id. */
  key: string;
  /** The placeholder in this stream's path that takes the parent's id, e.g. `slo_id` for `{slo_id}`. */
  pathParam: string;
  /** Field added to each record, holding the parent's id. */
  field: string;
  /** Parents per fetchPage call: each costs one request; a retried page repeats only the ones not yet written. */
  batchSize: number;
  /**
   * Only parents whose `field` is one of `in` are read (synthetic tests of a type that has a results
   * endpoint); the others are passed over, and each page says how many and why.
   */
  where?: { field: string; in: readonly string[] };
  /** Parents whose `field` has one of these values are read at that path instead of the row's (browser tests' results). */
  paths?: { field: string; byValue: Readonly<Record<string, string>> };
  /**
   * Read a parent only when this field of its stored record differs from `field` of what was read for
   * it last (a summary's `modified_at` against the definition's): the others keep their rows.
   */
  whenChanged?: { parentField: string; field: string };
  /**
   * Read a parent only when what was read for it is older than this (a duration, e.g. `1d`): for
   * endpoints that cost one request per parent and change seldom. The others keep their rows.
   */
  refreshAfter?: string;
}

/**
 * A stream whose rows are made from another stream's records, with no request of its own: each item
 * of an array in every source record becomes a row (which user holds which role, from the users'
 * `relationships.roles.data`). The source records are read from the source stream's table, as its
 * sync in the same run left them (selecting a derived stream syncs its source first).
 */
export interface DerivedFrom {
  /** The source stream's name in the table. */
  stream: string;
  /** Dotted path, in each source record, of the array whose items become rows. */
  items: string;
  /** Row fields taken from the source record, by dotted path (e.g. `user_id: 'id'`). */
  recordFields: Record<string, string>;
  /** Row fields taken from each item, by dotted path (e.g. `role_id: 'id'`). */
  itemFields: Record<string, string>;
}
