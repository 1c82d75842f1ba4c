import type { StreamDef } from '../datadog/streams/types';
import { writeParquet, type ExportedStream } from './parquet';
import type { ExportSource } from './sources';

export { DAY_COLUMN, type ExportedStream } from './parquet';
export { openExportSource, type ExportSource } from './sources';

/**
 * Writes each stream's table under `outDir` as Parquet. `streams` named by the user must have a
 * table; with none named, every stream that has one is written.
 */
export async function exportParquet(source: ExportSource, defs: StreamDef[], outDir: string, named: boolean): Promise<ExportedStream[]> {
  const tables = await source.tables();
  const missing = defs.filter((d) => !tables.has(d.name));
  if (named && missing.length > 0) {
    throw new Error(`no table for ${missing.map((d) => d.name).join(', ')} in ${source.description}: sync ${missing.length === 1 ? 'it' : 'them'} first`);
  }
  const exported: ExportedStream[] = [];
  for (const def of defs.filter((d) => tables.has(d.name))) exported.push(await source.withTable(def.name, (table) => writeParquet(table, def, outDir)));
  return exported;
}
