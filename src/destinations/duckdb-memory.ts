import { totalmem } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';

const MiB = 1024 * 1024;
/** The limit moves in steps of this much, so it is not set again for every look. */
const STEP = 16 * MiB;
/** Pages written between two looks at the indexes' size. */
const CHECK_EVERY = 50;

/** DuckDB's own default: 80 % of the machine's memory. The limit never goes past it. */
export function duckDbDefaultLimit(): number {
  return Math.floor(totalmem() * 0.8);
}

/** Whether DuckDB refused a statement for want of memory under its limit. */
export function isOutOfMemory(err: unknown): boolean {
  // Not `instanceof Error`: errors from the native binding may come from another realm (e.g. under jest).
  return /^Out of Memory Error/.test(String((err as { message?: unknown } | undefined)?.message));
}

/**
 * DuckDB's memory limit when none is configured: what its primary-key indexes hold, which DuckDB
 * cannot evict, plus a fixed working budget for the rest (data not yet checkpointed, table blocks it
 * caches, statements). Without a limit DuckDB keeps every table block it wrote cached, up to 80 % of
 * the machine, so a worker's memory grew with the table; with a fixed one, writes fail once the
 * indexes outgrow it. This limit grows only with the indexes.
 */
export class AdaptiveMemoryLimit {
  private limit = 0;
  private pages = 0;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly workingBytes: number,
    private readonly ceiling = duckDbDefaultLimit(),
  ) {}

  get bytes(): number {
    return this.limit;
  }

  /** Sets the first limit: the working budget over what the indexes already hold. */
  async start(): Promise<void> {
    await this.fit();
  }

  /** After a page is written: every CHECK_EVERY pages, follows the indexes' growth. */
  async pageWritten(): Promise<void> {
    if (++this.pages % CHECK_EVERY === 0) await this.fit();
  }

  /**
   * A statement ran out of memory (an index loaded from the file for the first time, larger than the
   * budget): doubles the limit, up to DuckDB's default. Returns false when it cannot go higher.
   */
  async raise(): Promise<boolean> {
    if (this.limit >= this.ceiling) return false;
    await this.set(Math.min(this.limit * 2, this.ceiling));
    return true;
  }

  private async fit(): Promise<void> {
    const reader = await this.connection.runAndReadAll(
      "SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT AS bytes FROM duckdb_memory() WHERE tag = 'ART_INDEX'",
    );
    const indexBytes = Number(reader.getRowObjectsJS()[0].bytes);
    const wanted = Math.min(Math.ceil((indexBytes + this.workingBytes) / STEP) * STEP, this.ceiling);
    // Only up: a limit lowered under what DuckDB holds would fail the next write for nothing.
    if (wanted > this.limit) await this.set(wanted);
  }

  private async set(bytes: number): Promise<void> {
    await this.connection.run(`SET memory_limit = '${Math.floor(bytes / MiB)}MiB'`);
    this.limit = bytes;
  }
}
