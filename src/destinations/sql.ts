/** SQL shared by the SQL destinations. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A JSON path for DuckDB and PostgreSQL-style extraction: every key quoted, so dots and dashes are safe. */
export function jsonPath(source: string): string {
  return '$' + source.split('.').map((key) => `."${key.replace(/"/g, '\\"')}"`).join('');
}

/** Runs async work one at a time: one connection, one statement after another. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
