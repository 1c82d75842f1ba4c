import { tableSpec } from '../../src/datadog/streams/table';
import type { StreamDef } from '../../src/datadog/streams/types';
import type { Destination } from '../../src/destinations/destination';
import type { JsonRecord } from '../../src/shared/json';

/** A store the tests can read back with SQL (both DuckDbDestination and PostgresDestination can). */
export type QueryableDestination = Destination & {
  query(sql: string, params?: (string | number | null)[]): Promise<Record<string, unknown>[]>;
};

/** One page written as fetchPage writes it: prepared, then written. */
export async function writeRecords(destination: Destination, def: StreamDef, records: JsonRecord[], syncId: string, organization?: string): Promise<number> {
  return destination.writePage(await destination.prepare(tableSpec(def), records), syncId, organization);
}

export async function countRows(destination: QueryableDestination, table: string): Promise<number> {
  const [row] = await destination.query(`SELECT count(*) AS n FROM "${table}"`);
  return Number(row.n);
}
