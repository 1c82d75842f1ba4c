import { DuckDBBlobValue, type DuckDBConnection } from '@duckdb/node-api';
import type { RunContext } from './destination';
import type { EventCopies } from './duckdb-event-copies';
import { jsonInsert, type JsonInsert } from './duckdb-json';
import { inTransaction } from './duckdb-pages';
import { isOutOfMemory } from './duckdb-memory';
import type { PreparedPage } from './rows';
import { keyColumn, type Column, type TableSpec } from './table-model';

/** Pages DuckDB reads from their JSON text itself (duckdb-json.ts), off the main thread. */
export class JsonPages {
  /** Per column list: the statements that write a page from its JSON, by records path and whether keys repeat. */
  private readonly inserts = new WeakMap<Column[], Map<string, JsonInsert | undefined>>();

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly copies: EventCopies,
  ) {}

  /**
   * In one transaction, the earlier copies of the page's keys are removed (a table without a key
   * index, `keyed` false) and its rows inserted (replacing rows of the same keys in a table with
   * one). False when DuckDB would not read the text (an escape it refuses): nothing was written.
   */
  async write(page: PreparedPage, run: RunContext, keyed: boolean): Promise<boolean> {
    const { table, columns, records } = page;
    const json = page.json!;
    const insert = this.insertFor(table, columns, json.path, { replace: keyed, repeated: (page.repeated ?? 0) > 0 });
    if (!insert) return false;
    try {
      let written: (() => void) | undefined;
      await inTransaction(this.connection, async () => {
        if (!keyed) written = await this.copies.remove(table, columns, records, run.organization);
        // The bytes as received when there are some: binding the text would encode it to UTF-8 again, on the main thread.
        const utf8 = new DuckDBBlobValue(json.utf8 ?? Buffer.from(json.text));
        const { rowsChanged } = await this.connection.run(insert.sql, [utf8, run.syncId, run.organization]);
        // Every record becomes a row, or the page is written another way: never fewer, silently.
        const expected = records.length - (page.repeated ?? 0);
        if (rowsChanged !== expected) throw new Error(`the JSON held ${rowsChanged} of the page's ${expected} records`);
      });
      written?.();
      return true;
    } catch (err) {
      if (isOutOfMemory(err)) throw err;
      console.warn(`retriever: DuckDB did not read a page of ${table.name} from its JSON (${(err as Error).message.split('\n')[0]}); converting it in JavaScript`);
      return false;
    }
  }

  private insertFor(table: TableSpec, columns: Column[], path: string, options: { replace: boolean; repeated: boolean }): JsonInsert | undefined {
    let byOptions = this.inserts.get(columns);
    if (!byOptions) this.inserts.set(columns, (byOptions = new Map()));
    const name = `${options.replace}:${options.repeated}:${path}`;
    if (!byOptions.has(name)) byOptions.set(name, jsonInsert(table.name, columns, keyColumn(table, columns), { path }, options));
    return byOptions.get(name);
  }
}
