import type { ClientBase, Submittable } from 'pg';
import type { Cell } from './rows';

/** The parts of node-postgres' connection a COPY needs (its typings leave them out). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

const CHUNK = 64 * 1024;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: `\N` for NULL, backslash escapes for the separators. */
function copyValue(cell: Cell): string {
  if (cell === null) return '\\N';
  if (typeof cell === 'boolean') return cell ? 't' : 'f';
  if (typeof cell === 'number') return String(cell);
  return cell.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]);
}

/** Rows as COPY text: tab between values, newline after each row. */
export function copyText(rows: Cell[][]): string {
  let text = '';
  for (const row of rows) text += row.map(copyValue).join('\t') + '\n';
  return text;
}

/**
 * Runs `COPY … FROM STDIN` and sends `text` as its data, resolving with the rows copied. node-postgres
 * runs any object with `submit` as a query and hands it the protocol messages, which is all COPY needs.
 */
export function copyFrom(client: ClientBase, sql: string, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let copied = 0;
    const data = Buffer.from(text, 'utf8');
    client.query({
      submit(connection: CopyConnection) {
        connection.query(sql);
      },
      handleCopyInResponse(connection: CopyConnection) {
        for (let at = 0; at < data.length; at += CHUNK) connection.sendCopyFromChunk(data.subarray(at, at + CHUNK));
        connection.endCopyFrom();
      },
      handleCommandComplete(message: { text?: string }) {
        copied = Number(/(\d+)$/.exec(message.text ?? '')?.[1] ?? 0);
      },
      handleReadyForQuery() {
        resolve(copied);
      },
      handleError(err: Error) {
        reject(err);
      },
      // Messages a COPY never gets; node-postgres may still call these on any query.
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyData() {},
    } as unknown as Submittable);
  });
}
