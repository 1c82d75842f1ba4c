import type { DuckDBConnection } from '@duckdb/node-api';
import { getPath, type JsonRecord } from '../shared/json';
import { removeCopies } from './duckdb-json';
import { timeBounds } from './rows';
import { quoteIdent } from './sql-tables';
import { keyColumn, ORGANIZATION_COLUMN, type Column, type TableSpec } from './table-model';

/**
 * Earlier copies of events in a table without a key index, found by the events' time (see
 * docs/destinations.md): every copy of an event carries the same time.
 */
export class EventCopies {
  /**
   * Per table and organisation: the latest event time its rows hold (epoch ms), read once and then
   * kept by this process, the file's only writer. A page of later events has no earlier copies.
   */
  private readonly latest = new Map<string, number>();
  /** Rows removed since the count was last taken (`takeRemoved`). */
  private removed = 0;

  constructor(private readonly connection: DuckDBConnection) {}

  /**
   * Removes the organisation's rows of these records' keys, inside the caller's transaction. A page
   * of events all later than any the table holds (a sync reading forward) has none, and otherwise
   * only rows within the page's time range are looked at (DuckDB skips the row groups outside it);
   * a page with a record of no valid time looks at every row. Returns what to note once the page is
   * committed.
   */
  async remove(table: TableSpec, columns: Column[], records: JsonRecord[], organization: string): Promise<() => void> {
    const key = keyColumn(table, columns);
    const timeColumn = columns.find((c) => c.source === table.timeField && c.type === 'timestamp');
    const bounds = timeColumn ? timeBounds(timeColumn.source, records) : undefined;
    const keys = JSON.stringify(records.map((record) => getPath(record, key.source)));
    if (!bounds) {
      this.removed += (await this.connection.run(removeCopies(table.name, key, undefined), [organization, keys])).rowsChanged;
      return () => undefined;
    }
    const latest = await this.latestTime(table.name, timeColumn!, organization);
    // Milliseconds on both sides: a later millisecond is a later time, whatever the microseconds.
    if (bounds.from <= latest) {
      // One millisecond past the end: the column keeps microseconds the bound's milliseconds do not.
      const params = [organization, keys, new Date(bounds.from).toISOString(), new Date(bounds.to + 1).toISOString()];
      this.removed += (await this.connection.run(removeCopies(table.name, key, timeColumn), params)).rowsChanged;
    }
    return () => this.latest.set(latestKey(table.name, organization), Math.max(latest, bounds.to));
  }

  /** The rows removed since the last call (counted in transactions that may yet roll back: at worst a checkpoint too many). */
  takeRemoved(): number {
    const removed = this.removed;
    this.removed = 0;
    return removed;
  }

  /** The latest event time an organisation's rows of the table hold (epoch ms), -Infinity for none. */
  private async latestTime(table: string, timeColumn: Column, organization: string): Promise<number> {
    let latest = this.latest.get(latestKey(table, organization));
    if (latest === undefined) {
      const reader = await this.connection.runAndReadAll(
        `SELECT epoch_ms(max(${quoteIdent(timeColumn.name)}))::BIGINT AS ms FROM ${quoteIdent(table)} WHERE ${quoteIdent(ORGANIZATION_COLUMN)} = $1`,
        [organization],
      );
      const ms = reader.getRowObjectsJS()[0].ms;
      latest = ms === null || ms === undefined ? -Infinity : Number(ms);
      this.latest.set(latestKey(table, organization), latest);
    }
    return latest;
  }
}

/** The `latest` entry of an organisation's rows in a table. */
function latestKey(table: string, organization: string): string {
  return `${organization}\u0000${table}`;
}
