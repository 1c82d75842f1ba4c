/**
 * Row capabilities of the inventory streams: map-shaped responses, record filters (and paging that
 * counts what Datadog sent), fields dropped before storage, rows derived from another stream's records.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatadogApiError } from '../src/datadog/errors';
import { deriveRecords, extractRecords, takeRecords } from '../src/datadog/page';
import { pageFromResponse } from '../src/datadog/pages';
import { getStream, STREAMS, streamSchema, tableSpec } from '../src/datadog/streams/table';
import type { StreamDef } from '../src/datadog/streams/types';
import { DuckDbDestination } from '../src/destinations/duckdb';
import { columnsFor } from '../src/destinations/table-model';
import { writeRecords } from './helpers/destinations';

describe('map-shaped responses ({key: [values]})', () => {
  const hostTags = getStream('host_tags');

  it('become one row per key and value, keyed by both', () => {
    const body = { tags: { 'env:prod': ['web-1', 'web-2'], 'role:db': ['db-1'], 'team:core': [] } };
    expect(extractRecords(hostTags, body)).toEqual([
      { tag: 'env:prod', host_name: 'web-1', id: 'web-1|env:prod' },
      { tag: 'env:prod', host_name: 'web-2', id: 'web-2|env:prod' },
      { tag: 'role:db', host_name: 'db-1', id: 'db-1|role:db' },
    ]);
    expect(extractRecords(hostTags, { tags: {} })).toEqual([]);
    expect(extractRecords(hostTags, {})).toEqual([]);
  });

  it('refuse a value that is not a list, so the page is retried rather than half kept', () => {
    expect(() => extractRecords(hostTags, { tags: { 'env:prod': 'web-1' } })).toThrow(DatadogApiError);
    expect(() => extractRecords(hostTags, { tags: [['env:prod', 'web-1']] })).toThrow(/expected an object at "tags"/);
  });

  it('say so when a response reaches the most values Datadog returns (it may be cut)', () => {
    const hosts = Array.from({ length: 10_000 }, (_, i) => `host-${i}`);
    expect(takeRecords(hostTags, { tags: { 'env:prod': hosts.slice(0, 6_000), 'env:dev': hosts.slice(6_000) } }).warnings).toEqual([
      'host_tags: Datadog returned 10000 distinct host_name values, the most it returns (10000): some may have been left out',
    ]);
    expect(takeRecords(hostTags, { tags: { 'env:prod': hosts.slice(0, 9_999) } }).warnings).toEqual([]);
  });
});

describe('record filters', () => {
  it('keep the Sensitive Data Scanner groups out of `included`, not the rules beside them', () => {
    const def = getStream('sensitive_data_scanner_groups');
    const body = {
      data: { id: 'c', type: 'sensitive_data_scanner_configuration' },
      included: [
        { id: 'g1', type: 'sensitive_data_scanner_group', attributes: { name: 'PII' } },
        { id: 'r1', type: 'sensitive_data_scanner_rule', attributes: { name: 'cards' } },
        { id: 'g2', type: 'sensitive_data_scanner_group', attributes: { name: 'Secrets' } },
      ],
    };
    expect(extractRecords(def, body).map((r) => r.id)).toEqual(['g1', 'g2']);
  });

  it('keep private locations (ids starting "pl:") out of every location', () => {
    const def = getStream('synthetic_private_locations');
    const body = { locations: [{ id: 'aws:eu-west-3', name: 'Paris (AWS)' }, { id: 'pl:office-527d63de', name: 'Office' }, { id: 'gcp:pl:x', name: 'Not private' }] };
    expect(extractRecords(def, body)).toEqual([{ id: 'pl:office-527d63de', name: 'Office' }]);
  });

  it('do not make a page look short: paging counts what Datadog sent', () => {
    const def: StreamDef = { ...getStream('api_keys'), recordFilter: { field: 'attributes.category', equals: 'default' } };
    const data = Array.from({ length: 10 }, (_, i) => ({ id: `k${i}`, type: 'api_keys', attributes: { category: i % 2 ? 'default' : 'remote' } }));
    const read = pageFromResponse(def, { page: { page: 0 }, pageSize: 10 }, { status: 200, body: { data }, bytes: 1 });
    expect(read.records).toHaveLength(5);
    expect(read.nextPage).toEqual({ page: 1 });
  });
});

describe('fields dropped before storage', () => {
  it('never reach a row, its _raw JSON or a column, whatever Datadog sends', async () => {
    const apiKeys = getStream('api_keys');
    const azure = getStream('azure_integrations');
    const fullKey = 'abc123example456key789placeholder0';
    const secret = 'Testing~Rh2nx664kUy5dIApvM54T4AtOsecret';
    const keys = extractRecords(apiKeys, { data: [{ id: 'k1', type: 'api_keys', attributes: { name: 'agent', last4: 'der0', key: fullKey } }] });
    const accounts = extractRecords(azure, [{ tenant_name: 't-1', client_id: 'c-1', client_secret: secret, host_filters: '' }]);
    expect(keys).toEqual([{ id: 'k1', type: 'api_keys', attributes: { name: 'agent', last4: 'der0' } }]);
    expect(accounts).toEqual([{ tenant_name: 't-1', client_id: 'c-1', host_filters: '', id: 't-1:c-1' }]);
    for (const def of [apiKeys, azure]) expect(columnsFor(tableSpec(def)).map((c) => c.source)).not.toEqual(expect.arrayContaining(['attributes.key', 'client_secret']));

    const path = join(mkdtempSync(join(tmpdir(), 'retriever-drop-')), 'retriever.duckdb');
    const destination = await DuckDbDestination.open(path);
    await writeRecords(destination, apiKeys, keys, 'sync-1');
    await writeRecords(destination, azure, accounts, 'sync-1');
    const rows = await destination.query('SELECT * FROM api_keys UNION ALL BY NAME SELECT * FROM azure_integrations');
    expect(JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? String(v) : v))).not.toMatch(new RegExp(`${fullKey}|${secret}`));
    await destination.close();
    // Nor anywhere in the file.
    const file = readFileSync(path).toString('latin1');
    expect(file.includes(fullKey) || file.includes(secret)).toBe(false);
  });

  it('are left out when the page is written as fetchPage writes it, with the body it came in', async () => {
    const apiKeys = getStream('api_keys');
    const fullKey = 'abc123example456key789placeholder1';
    const text = JSON.stringify({ data: [{ id: 'k2', type: 'api_keys', attributes: { name: 'ci', last4: 'der1', key: fullKey } }], meta: { page: { total_filtered_count: 1 } } });
    const read = pageFromResponse(apiKeys, { page: { page: 0 }, pageSize: 100 }, { status: 200, body: JSON.parse(text), text, bytes: text.length });
    // The body holds what the records no longer do: a store may not read them from it.
    expect(read.json).toBeUndefined();
    const logs = getStream('logs');
    const logText = JSON.stringify({ data: [{ id: 'l1', type: 'log', attributes: { timestamp: '2025-01-01T00:00:00Z' } }] });
    expect(pageFromResponse(logs, { page: {}, pageSize: 1 }, { status: 200, body: JSON.parse(logText), text: logText, bytes: logText.length }).json).toEqual({ text: logText, path: 'data' });

    const destination = await DuckDbDestination.open(join(mkdtempSync(join(tmpdir(), 'retriever-drop-')), 'retriever.duckdb'));
    try {
      await destination.writePage(await destination.prepare(tableSpec(apiKeys), read.records, { json: read.json }), 'sync-1');
      const rows = await destination.query('SELECT CAST(_raw AS VARCHAR) AS raw FROM api_keys');
      expect(rows).toHaveLength(1);
      expect(String(rows[0].raw)).not.toContain(fullKey);
    } finally {
      await destination.close();
    }
  });

  it('are every credential the table could meet', () => {
    const dropped = Object.fromEntries(STREAMS.filter((s) => s.dropFields).map((s) => [s.name, s.dropFields]));
    expect(dropped).toEqual({
      api_keys: ['attributes.key'],
      application_keys: ['attributes.key'],
      aws_accounts: ['attributes.auth_config.secret_access_key'],
      azure_integrations: ['client_secret'],
    });
    expect(JSON.stringify(streamSchema(getStream('azure_integrations')))).not.toContain('client_secret');
    // The key lists that return whole keys are never read.
    expect(STREAMS.map((s) => s.path)).not.toEqual(expect.arrayContaining(['/api/v1/api_key', '/api/v1/application_key', '/api/v2/api_keys/{api_key_id}']));
  });
});

describe('rows derived from another stream’s records', () => {
  const userRoles = getStream('user_roles');

  it('are one per item, made of the record’s and the item’s fields, keyed by both', () => {
    const users = [
      { id: 'u1', type: 'users', relationships: { roles: { data: [{ id: 'r-admin', type: 'roles' }, { id: 'r-std', type: 'roles' }] } } },
      { id: 'u2', type: 'users', relationships: { roles: { data: [] } } },
      { id: 'u3', type: 'users', attributes: { status: 'Pending' } },
    ];
    expect(deriveRecords(userRoles, users)).toEqual([
      { user_id: 'u1', role_id: 'r-admin', id: 'u1:r-admin' },
      { user_id: 'u1', role_id: 'r-std', id: 'u1:r-std' },
    ]);
  });

  it('refuse a source whose items are not a list', () => {
    expect(() => deriveRecords(userRoles, [{ id: 'u1', relationships: { roles: { data: { id: 'r' } } } }])).toThrow(/expected an array at "relationships.roles.data"/);
    expect(() => deriveRecords(userRoles, [{ id: 'u1', relationships: { roles: { data: [{ type: 'roles' }] } } }])).toThrow(/has no "role_id"/);
  });
});
