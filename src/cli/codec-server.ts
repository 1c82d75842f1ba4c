import type { Command } from 'commander';
import { codecAuthenticator } from '../codec/auth';
import { codecKeysFromEnv, EncryptionCodec } from '../codec/encryption';
import { startCodecServer } from '../codec/server';
import { codecServerSettings } from '../config/codec-server';
import { readEnv } from '../config/env';
import { InvalidConfigError } from '../config/issues';
import { serveUntilStopped } from './serve';

export function register(program: Command): void {
  program
    .command('codec-server')
    .description('Serve the payload codec so the Temporal Web UI can show encrypted payloads (keys from RETRIEVER_CODEC_KEYS, callers authenticated)')
    .option('--port <port>', 'port', '8888')
    .option('--host <address>', 'address to listen on (beyond loopback only with authentication configured)', '127.0.0.1')
    .option('--origin <url...>', 'Web UI origins allowed by CORS', ['http://localhost:8233'])
    .action(async (opts: { port: string; host: string; origin: string[] }) => {
      const settings = codecServerSettings(readEnv());
      const keys = codecKeysFromEnv();
      if (!keys) throw new InvalidConfigError(['RETRIEVER_CODEC_KEYS: not set (e.g. "k1:<32 random bytes, base64>")'], 'environment');
      const server = await startCodecServer(new EncryptionCodec(keys), {
        port: Number(opts.port),
        host: opts.host,
        origins: opts.origin,
        authenticate: codecAuthenticator(settings.auth),
        namespaces: settings.namespaces,
        maxBodyBytes: settings.maxBodyBytes,
        tls: settings.tls,
      });
      const { token, jwt } = settings.auth;
      const auth = [jwt && `JWTs from ${jwt.issuer} for ${jwt.audience.join(', ')}`, token && 'the static token'].filter(Boolean).join(' or ');
      console.log(`codec server at ${server.url} for namespace(s) ${settings.namespaces.join(', ')} (allowing ${opts.origin.join(', ')})`);
      console.log(`  callers authenticate with ${auth || 'nothing: loopback only'}`);
      console.log(`  temporal workflow show --namespace ${settings.namespaces[0]} --codec-endpoint ${server.url}${token ? ' --codec-auth "Bearer $RETRIEVER_CODEC_AUTH_TOKEN"' : ''} -w <id>`);
      await serveUntilStopped(server);
    });
}
