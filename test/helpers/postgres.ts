import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { PostgresSettings } from '../../src/config/env';
import { PostgresDestination } from '../../src/destinations/postgres';

const ENV_FILE = join(__dirname, '..', '..', 'tools', 'postgres.env');

/**
 * The connection variables of the test server: RETRIEVER_TEST_DATABASE_URL when set (a server of your
 * own), otherwise the file `bash scripts/postgres.sh ensure` writes.
 */
export function testPostgresEnv(): Record<string, string> {
  if (process.env.RETRIEVER_TEST_DATABASE_URL) return { DATABASE_URL: process.env.RETRIEVER_TEST_DATABASE_URL };
  if (!existsSync(ENV_FILE)) {
    throw new Error(`no PostgreSQL for the tests: run "bash scripts/postgres.sh ensure" (it writes ${ENV_FILE}) or set RETRIEVER_TEST_DATABASE_URL`);
  }
  const env: Record<string, string> = {};
  for (const line of readFileSync(ENV_FILE, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return { DATABASE_URL: env.DATABASE_URL };
}

let schemaCounter = 0;
/** A schema of its own per test, so runs on one server never see each other's tables. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${++schemaCounter}`;
}

export function testPostgresSettings(schema: string): PostgresSettings {
  return { url: testPostgresEnv().DATABASE_URL, schema };
}

export function openTestPostgres(schema: string): Promise<PostgresDestination> {
  return PostgresDestination.open(testPostgresSettings(schema));
}

/** A plain client on the test server, for what a test does behind the destination's back. */
export async function adminClient(): Promise<Client> {
  const client = new Client({ connectionString: testPostgresEnv().DATABASE_URL });
  await client.connect();
  return client;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = await adminClient();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
