import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '../config/issues';
import { parseSyncRequest, type SyncRequest, type SyncRequestInput } from '../config/request';

/** Reads a JSON config file and validates it as a sync request, listing every problem. */
export function loadConfigFile(path: string, overrides: Partial<SyncRequestInput> = {}): SyncRequest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidConfigError([`${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`], `config ${path}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidConfigError([`${path}: not valid JSON (${(err as Error).message})`], `config ${path}`);
  }
  const merged = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw, ...overrides } : raw;
  return parseSyncRequest(merged, Date.now(), `config ${path}`);
}
