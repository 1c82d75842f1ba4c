import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

/**
 * Temporal's remote codec protocol (POST /encode, POST /decode with `{ payloads: [...] }`), so the
 * Web UI and `temporal --codec-endpoint` can show encrypted payloads. CORS admits the UI's origins.
 */
export async function startCodecServer(codec: PayloadCodec, options: { port?: number; host?: string; origins: string[] }): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    if (origin && options.origins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'content-type, x-namespace, authorization');
      res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const action = req.url?.replace(/\/+$/, '').split('/').pop();
    if (req.method !== 'POST' || (action !== 'encode' && action !== 'decode')) {
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"POST /encode or /decode"}');
    }
    try {
      const { payloads } = JSON.parse(await readBody(req)) as { payloads: JsonPayload[] };
      const input = (payloads ?? []).map(toPayload);
      const output = action === 'encode' ? await codec.encode(input) : await codec.decode(input);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: output.map(toJson) }));
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 8888, options.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  return { url: `http://${address}:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
