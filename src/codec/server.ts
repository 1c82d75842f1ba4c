import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { InvalidConfigError } from '../config/issues';
import type { Authenticate } from './auth';

export interface CodecServerOptions {
  port?: number;
  host?: string;
  /** Web UI origins CORS admits. */
  origins: string[];
  /** Required unless the server listens on a loopback address only. */
  authenticate?: Authenticate;
  /** The namespaces (`X-Namespace`) whose payloads this server decodes. */
  namespaces: string[];
  /** Larger request bodies get 413 without being read. */
  maxBodyBytes: number;
  /** PEM certificate and key: HTTPS, which the Web UI requires before it forwards a user's token. */
  tls?: { cert: Buffer; key: Buffer };
  /** One line per request (status, reason, namespace, caller), never a payload. */
  log?: (line: string) => void;
}

const jsonPayload = z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() });
const requestBody = z.object({ payloads: z.array(jsonPayload) });
type JsonPayload = z.infer<typeof jsonPayload>;

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** An answer other than 200: its status, the message the caller sees, and what the log says. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason = message,
  ) {
    super(message);
  }
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (isIPv6(host)) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

/** The body, up to `limit` bytes; past that the rest is discarded unread, so the connection stays usable. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (reason: string) => new Refusal(413, `request body over ${limit} bytes`, reason);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(`declared body of ${declared} bytes is over the limit of ${limit}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd).resume();
      reject(tooLarge(`body is over the limit of ${limit} bytes`));
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

function parseBody(body: Buffer): JsonPayload[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    // JSON.parse's message quotes the body; neither the caller nor the log gets a piece of it.
    throw new Refusal(400, 'request body is not valid JSON');
  }
  const parsed = requestBody.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
    throw new Refusal(400, `request body must be { "payloads": [{ "metadata": {…}, "data": "…" }] } (wrong: ${where})`);
  }
  return parsed.data.payloads;
}

/**
 * Temporal's remote codec protocol (POST /encode, POST /decode with `{ payloads: [...] }`), so the
 * Web UI and `temporal --codec-endpoint` can show encrypted payloads. Every request is authenticated
 * (when configured), must name a namespace this server serves, and has a bounded body.
 */
export async function startCodecServer(codec: PayloadCodec, options: CodecServerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  if (!options.authenticate && !isLoopback(host)) {
    throw new InvalidConfigError(
      [
        `refusing to listen on ${host} without authentication: anyone who can reach it could decrypt every payload in history. ` +
          'Set RETRIEVER_CODEC_AUTH_TOKEN and/or RETRIEVER_CODEC_JWKS_URL (with RETRIEVER_CODEC_JWT_ISSUER and RETRIEVER_CODEC_JWT_AUDIENCE), or listen on 127.0.0.1',
      ],
      'codec server settings',
    );
  }
  const log = options.log ?? ((line: string) => console.error(line));
  const served = new Set(options.namespaces);

  async function handle(req: IncomingMessage, res: ServerResponse, action: 'encode' | 'decode'): Promise<string> {
    let caller = 'anonymous (loopback)';
    if (options.authenticate) {
      const result = await options.authenticate(req.headers.authorization).catch((err: Error) => {
        throw new Refusal(503, 'cannot verify tokens right now', `identity provider's keys unavailable: ${err.message}`);
      });
      if (!result.ok) {
        res.setHeader('www-authenticate', 'Bearer');
        throw new Refusal(401, 'authentication required: Authorization: Bearer <token>', result.reason);
      }
      caller = result.subject;
    }
    const namespace = req.headers['x-namespace'];
    if (typeof namespace !== 'string' || namespace === '') {
      throw new Refusal(403, 'X-Namespace header missing (the Temporal CLI sends it only with an explicit --namespace)', `no namespace (caller ${caller})`);
    }
    if (!served.has(namespace)) throw new Refusal(403, `namespace "${namespace}" is not served here`, `namespace "${namespace}" not served (caller ${caller})`);

    const input = parseBody(await readBody(req, options.maxBodyBytes)).map(toPayload);
    let output: Payload[];
    try {
      output = action === 'encode' ? await codec.encode(input) : await codec.decode(input);
    } catch (err) {
      // The codec's messages name key ids, never payload contents.
      throw new Refusal(422, (err as Error).message);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: output.map(toJson) }));
    return `${output.length} payload(s), namespace "${namespace}", caller ${caller}`;
  }

  const listener: RequestListener = (req, res) => {
    const origin = req.headers.origin;
    if (origin && options.origins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'content-type, x-namespace, authorization');
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const action = req.url?.replace(/\/+$/, '').split('/').pop();
    if (req.method !== 'POST' || (action !== 'encode' && action !== 'decode')) {
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"POST /encode or /decode"}');
    }
    const from = req.socket.remoteAddress;
    const line = (status: number, detail: string) => log(`codec server: ${status} POST /${action} from ${from}: ${detail}`);
    handle(req, res, action).then(
      (detail) => line(200, detail),
      (err: Error) => {
        const refusal = err instanceof Refusal ? err : new Refusal(500, 'internal error', err.message);
        line(refusal.status, refusal.reason);
        // A body left unread is discarded by Node before the connection serves its next request.
        res.writeHead(refusal.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: refusal.message }));
      },
    );
  };

  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  server.requestTimeout = 60_000; // a caller sending a body forever (discarded past the limit) is cut off
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8888, host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const shown = isIPv6(address) ? `[${address}]` : address;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // keep-alive connections of the Web UI, and callers still sending a refused body
    });
  return { url: `${options.tls ? 'https' : 'http'}://${shown}:${port}`, close };
}
