import { z } from 'zod';
import { DatadogApiError } from './errors';
import { getPath } from './paths';
import type { StreamDef } from './streams/types';

export type ApiRecord = Record<string, unknown>;

const searchMeta = z
  .object({
    status: z.string().optional(),
    warnings: z.array(z.object({ code: z.string().optional(), title: z.string().optional(), detail: z.string().optional() })).optional(),
  })
  .optional();

/**
 * Takes the records out of one response body and checks what the rest of the pipeline relies on:
 * an array of objects, each with its primary key. A search response that says it is partial
 * (`meta.status: "timeout"` or `meta.warnings`) is refused so the page is retried, never half-kept.
 */
export function extractRecords(def: StreamDef, body: unknown): ApiRecord[] {
  const where = `${def.name} (${def.path})`;
  const records = getPath(body, def.recordsPath);
  if (!Array.isArray(records)) {
    throw new DatadogApiError('malformed', `${where}: expected an array at "${def.recordsPath || '(body)'}", got ${describe(records)}`, { path: def.path });
  }
  const meta = searchMeta.safeParse((body as { meta?: unknown })?.meta);
  if (meta.success && meta.data) {
    const warnings = meta.data.warnings ?? [];
    if (meta.data.status === 'timeout' || warnings.length > 0) {
      const said = warnings.map((w) => [w.code, w.title, w.detail].filter(Boolean).join(': ')).join('; ');
      throw new DatadogApiError('partial', `${where}: Datadog returned partial results (status ${meta.data.status ?? '?'}${said ? `; ${said}` : ''})`, { path: def.path });
    }
  }
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new DatadogApiError('malformed', `${where}: record ${i} is ${describe(record)}, not an object`, { path: def.path });
    }
    const key = getPath(record, def.primaryKey);
    if (key === undefined || key === null || key === '') {
      throw new DatadogApiError('malformed', `${where}: record ${i} has no "${def.primaryKey}" (its primary key)`, { path: def.path });
    }
  }
  return records as ApiRecord[];
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
