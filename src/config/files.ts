import { readFileSync } from 'node:fs';

/**
 * The file an environment variable names (a certificate, a key), or undefined when it names none.
 * A file that cannot be read adds a problem naming the variable, so that every one is reported at once.
 */
export function readNamedFile<V extends string>(env: { readonly [K in V]?: string }, variable: V, problems: string[]): Buffer | undefined {
  const path = env[variable];
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    problems.push(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return undefined;
  }
}

/** The problem of a certificate set without its key, or a key without its certificate. */
export function unpairedProblem<V extends string>(env: { readonly [K in V]?: string }, cert: V, key: V): string[] {
  return Boolean(env[cert]) !== Boolean(env[key]) ? [`${cert} and ${key} go together: set both or neither`] : [];
}
