import { DatadogClient } from '../src/datadog/client';
import { DatadogApiError } from '../src/datadog/errors';
import { FaultInjector, type FaultKind } from '../src/simulator/faults';
import { SIMULATOR_KEYS, startSimulator, type Simulator } from '../src/simulator/server';

const DASHBOARDS = { method: 'GET' as const, path: '/api/v1/dashboard', query: {} };

describe('simulator fault injection', () => {
  it('draws the same faults from the same seed, at about the rates asked for', () => {
    const draw = (seed: number) => {
      const faults = new FaultInjector({ seed, rates: { server_error: 0.2, reset: 0.1, malformed: 0.1 } });
      return Array.from({ length: 2_000 }, () => faults.pick('/api/v2/logs/events')?.kind ?? 'none');
    };
    const first = draw(11);
    expect(draw(11)).toEqual(first);
    expect(draw(12)).not.toEqual(first);
    const share = (kind: string) => first.filter((k) => k === kind).length / first.length;
    expect(share('server_error')).toBeGreaterThan(0.16);
    expect(share('server_error')).toBeLessThan(0.24);
    expect(share('reset')).toBeGreaterThan(0.07);
    expect(share('reset')).toBeLessThan(0.13);
    expect(share('none')).toBeGreaterThan(0.55);
  });

  it('spares paths it was not asked to touch, and refuses rates over 1', () => {
    const faults = new FaultInjector({ rates: { server_error: 1 }, paths: ['/api/v2/logs/events'] });
    expect(faults.pick('/api/v1/validate')).toBeUndefined();
    expect(faults.pick('/api/v2/logs/events')?.kind).toBe('server_error');
    expect(() => new FaultInjector({ rates: { reset: 0.6, hang: 0.6 } })).toThrow(/at most 1/);
  });

  describe('as the Datadog client sees them', () => {
    const clients: DatadogClient[] = [];
    const simulators: Simulator[] = [];
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(simulators.map((s) => s.close()));
    });

    async function clientFacing(kind: FaultKind, extra: { slowBodyMs?: number; requestTimeoutMs?: number } = {}) {
      const simulator = await startSimulator({ dashboards: 40, faults: { rates: { [kind]: 1 }, slowBodyMs: extra.slowBodyMs } });
      simulators.push(simulator);
      const client = new DatadogClient({
        baseUrl: simulator.url,
        credentials: SIMULATOR_KEYS,
        bodyTimeoutMs: 2_000,
        headersTimeoutMs: 2_000,
        requestTimeoutMs: extra.requestTimeoutMs ?? 1_000,
      });
      clients.push(client);
      return { simulator, client };
    }
    const failure = (client: DatadogClient) => client.send(DASHBOARDS).then(() => undefined, (e: unknown) => e);

    it.each([
      ['server_error', 'server'],
      ['reset', 'network'],
      ['truncated', 'truncated'],
      ['malformed', 'malformed'],
      ['hang', 'timeout'],
      ['slow_body', 'timeout'],
    ] as const)('%s fails as a retryable %s error, logged as injected', async (fault, kind) => {
      const { simulator, client } = await clientFacing(fault, { slowBodyMs: 3_000 });
      const error = await failure(client);
      expect(error).toBeInstanceOf(DatadogApiError);
      expect(error).toMatchObject({ kind, retryable: true });
      expect(simulator.requests).toHaveLength(1);
      expect(simulator.requests[0].fault).toBe(fault);
    });

    it('a slow body within the deadline still arrives whole', async () => {
      const { client } = await clientFacing('slow_body', { slowBodyMs: 300, requestTimeoutMs: 5_000 });
      const response = await client.send(DASHBOARDS);
      expect((response.body as { dashboards: unknown[] }).dashboards).toHaveLength(40);
    });

    it('a body over the size limit fails as too large, and is not retried', async () => {
      const simulator = await startSimulator({ dashboards: 40 });
      simulators.push(simulator);
      const client = new DatadogClient({ baseUrl: simulator.url, credentials: SIMULATOR_KEYS, maxBodyBytes: 1_000 });
      clients.push(client);
      const error = await failure(client);
      expect(error).toMatchObject({ kind: 'too_large', retryable: false });
      expect((error as Error).message).toMatch(/max_records_per_request/);
    });
  });
});
