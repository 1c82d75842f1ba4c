/**
 * Reads the V8 CPU profiles a process wrote with `--cpu-prof` and sums the JS threads' time by
 * where it went: Retriever's own code by file, the libraries it calls, JSON, garbage collection, idle.
 * (What DuckDB does on its own threads is not JavaScript and so not in here.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function's own time is counted. */
function bucket({ functionName, url }: ProfileNode['callFrame']): string {
  if (functionName === '(idle)') return 'idle (waiting for I/O)';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8 and native, outside JS';
  if (functionName === 'parse' && url === '') return 'JSON.parse';
  if (functionName === 'stringify' && url === '') return 'JSON.stringify';
  const src = /\/src\/(.+\.ts)$/.exec(url);
  if (src) return `src/${src[1]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1].startsWith('@temporalio/') ? 'Temporal SDK (@temporalio/*)' : pkg[1];
  if (url.startsWith('node:')) return `Node (${url.slice(5).split('/')[0]})`;
  if (url.includes('workflow-bundle') || url.includes('workflows.js')) return 'workflow code (sandbox)';
  return url === '' ? `built-in ${functionName || '(anonymous)'}` : 'other';
}

/** Milliseconds of main-thread time per bucket, summed over every profile in `dir`. */
export function summariseProfiles(dir: string): { total: number; buckets: [string, number][] } {
  const totals = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, bucket(n.callFrame)]));
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      total += ms;
      const name = byId.get(id) ?? 'other';
      totals.set(name, (totals.get(name) ?? 0) + ms);
    });
  }
  return { total, buckets: [...totals].sort((a, b) => b[1] - a[1]) };
}

export function printProfile(title: string, { total, buckets }: ReturnType<typeof summariseProfiles>, top = 14): void {
  console.log(`${title} (JS threads, ${(total / 1000).toFixed(1)} s sampled):`);
  for (const [name, ms] of buckets.slice(0, top)) console.log(`  ${name.padEnd(44)}${(ms / 1000).toFixed(2).padStart(8)} s ${((ms / total) * 100).toFixed(1).padStart(5)} %`);
}
