/** Keeps a server up until the process is asked to stop (Ctrl-C, SIGTERM), then closes it. */
export async function serveUntilStopped(server: { close(): Promise<void> }): Promise<void> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}
