import type { Command } from 'commander';
import { codecKeysFromEnv, EncryptionCodec } from '../codec/encryption';
import { InvalidConfigError } from '../config/issues';
import { startCodecServer } from '../codec/server';

export function register(program: Command): void {
  program
    .command('codec-server')
    .description('Serve the payload codec so the Temporal Web UI can show encrypted payloads (keys from RETRIEVER_CODEC_KEYS)')
    .option('--port <port>', 'port', '8888')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--origin <url...>', 'Web UI origins allowed by CORS', ['http://localhost:8233'])
    .action(async (opts: { port: string; host: string; origin: string[] }) => {
      const keys = codecKeysFromEnv();
      if (!keys) throw new InvalidConfigError(['RETRIEVER_CODEC_KEYS: not set (e.g. "k1:<32 random bytes, base64>")'], 'environment');
      const server = await startCodecServer(new EncryptionCodec(keys), { port: Number(opts.port), host: opts.host, origins: opts.origin });
      console.log(`codec server at ${server.url} (allowing ${opts.origin.join(', ')})`);
      console.log(`  temporal server start-dev --ui-codec-endpoint ${server.url}   or set it in the Web UI's codec settings`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
