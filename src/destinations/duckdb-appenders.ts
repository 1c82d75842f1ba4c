import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { RunContext } from './destination';
import { appendRows, closeAppender, slotsFor, type Slot } from './duckdb-pages';
import type { Row } from './rows';
import type { Column } from './table-model';

/**
 * One Appender per stream table, kept open and flushed once a page: an Appender's native buffers are
 * freed only when JavaScript collects it, which a small heap seldom does, so one per page would
 * hold about a megabyte each until then. Made again when the table's columns change.
 */
export class TableAppenders {
  /** Per stream table: its open Appender and the column order it was opened for. */
  private readonly open = new Map<string, { appender: DuckDBAppender; slots: Slot[] }>();

  /** Per column list: the table's columns in its own order, as the Appender fills them. */
  private readonly slots = new WeakMap<Column[], Slot[]>();

  constructor(private readonly connection: DuckDBConnection) {}

  /** The table's columns in their own order (ALTER TABLE adds at the end), mapped to a page's cells. */
  setColumnOrder(columns: Column[], order: string[]): void {
    this.slots.set(columns, slotsFor(order, columns));
  }

  /** Appends a page's rows, whole or not at all; an Appender that refused a page is dropped with it. */
  async append(table: string, columns: Column[], rows: Row[], run: RunContext): Promise<void> {
    const appender = await this.appenderFor(table, this.slots.get(columns)!);
    try {
      appendRows(appender.appender, appender.slots, rows, run);
    } catch (err) {
      this.open.delete(table);
      closeAppender(appender.appender, err);
      throw err;
    }
  }

  /** Closes a table's Appender, so that nothing it holds is written past what comes next (a delete). */
  drop(table: string): void {
    const open = this.open.get(table);
    if (!open) return;
    this.open.delete(table);
    closeAppender(open.appender);
  }

  closeAll(): void {
    for (const { appender } of this.open.values()) closeAppender(appender);
    this.open.clear();
  }

  private async appenderFor(table: string, slots: Slot[]): Promise<{ appender: DuckDBAppender; slots: Slot[] }> {
    const open = this.open.get(table);
    if (open?.slots === slots) return open;
    if (open) closeAppender(open.appender);
    const opened = { appender: await this.connection.createAppender(table), slots };
    this.open.set(table, opened);
    return opened;
  }
}
