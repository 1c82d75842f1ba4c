/**
 * The Datadog simulator as a process of its own (started by bench/common.ts): its one argument is
 * the SimulatorOptions JSON. Prints {"url": ...} once listening; stops on SIGTERM, or when the process
 * that started it goes away (its IPC channel closes). Over IPC it answers what a benchmark asks of
 * it (`SimulatorQuestion`): the requests it received, how many records a stream holds, and the
 * fewest pages a list that pages by shard allows.
 */
import { fewestShardedPages } from '../src/simulator/routes/infra';
import { startSimulator, type SimulatorOptions } from '../src/simulator/server';

/** What a benchmark may ask the simulator process. */
type Streams = { name: string; window?: { from: number; to: number } }[];
export type Question = { ask: 'requests'; from: number } | { ask: 'counts'; streams: Streams } | { ask: 'shardedPages'; streams: Streams };
export type SimulatorQuestion = Question & { id: number };

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
  process.on('message', (question: SimulatorQuestion) => {
    if (question.ask === 'requests') {
      const requests = simulator.requests.slice(question.from).map(({ at, path, status, rateLimit, fault }) => ({ at, path, status, rateLimit, fault }));
      process.send!({ id: question.id, answer: requests });
    } else {
      try {
        const answer =
          question.ask === 'counts'
            ? Object.fromEntries(question.streams.map((s) => [s.name, simulator.world.groundTruth(s.name, s.window).length]))
            : Object.fromEntries(question.streams.flatMap((s) => {
                const pages = fewestShardedPages(simulator.world, s.name, s.window ?? { from: 0, to: simulator.world.clock() });
                return pages === undefined ? [] : [[s.name, pages]];
              }));
        process.send!({ id: question.id, answer });
      } catch (err) {
        // Answered, so the benchmark fails with the reason instead of waiting for an answer.
        process.send!({ id: question.id, error: (err as Error).message });
      }
    }
  });
  console.log(JSON.stringify({ url: simulator.url }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
