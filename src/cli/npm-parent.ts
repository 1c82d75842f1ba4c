/**
 * Started through npm (`npx retriever worker`, `npm run worker`), this process is npm's grandchild:
 * npm runs `sh -c "<command>"`, and the shell runs node. Stopping npm with SIGTERM reaches the shell,
 * which dies without passing the signal on, and node is left running under another parent. So, when
 * npm started this process, the end of its parent is taken as the request to stop.
 */

/** npm sets these for every command it runs (`exec` for npx, `run` for `npm run`). */
function startedByNpm(env: NodeJS.ProcessEnv): boolean {
  return env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
}

/**
 * Calls `stop` once, when the process that started this one has ended (its parent pid changes).
 * Does nothing unless npm started this process: a worker started as `nohup node … &` from a shell
 * that then exits keeps running, as it should. Returns a function that stops watching.
 */
export function whenNpmParentEnds(stop: () => void, env: NodeJS.ProcessEnv = process.env, intervalMs = 500): () => void {
  if (!startedByNpm(env)) return () => undefined;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
