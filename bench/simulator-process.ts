/**
 * The Datadog simulator as a process of its own (started by bench/common.ts): its one argument is
 * the SimulatorOptions JSON. Prints {"url": ...} once listening; stops on SIGTERM, or when the process
 * that started it goes away (its IPC channel closes).
 */
import { startSimulator, type SimulatorOptions } from '../src/simulator/server';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[process.argv.length - 1]) as SimulatorOptions;
  const simulator = await startSimulator(options);
  const stop = async () => {
    await simulator.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  console.log(JSON.stringify({ url: simulator.url }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
