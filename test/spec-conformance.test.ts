/**
 * Checks the stream table, the requests the client builds and the simulator's answers against
 * Datadog's official OpenAPI specs (v1 and v2), the source of truth for all three.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { DatadogClient } from '../src/datadog/client';
import { DatadogApiError } from '../src/datadog/errors';
import { extractRecords } from '../src/datadog/page';
import { effectivePageSize, nextFanOutPage, nextPageState, type PageState } from '../src/datadog/pagination';
import { buildPageRequest, parentPath, sinceFor, type ApiRequest } from '../src/datadog/request';
import { getStream, queryStreamDef, STREAMS, streamSchema } from '../src/datadog/streams/table';
import type { JsonSchema } from '../src/shared/json';
import type { QueryDefinition, StreamDef } from '../src/datadog/streams/types';
import { ROUTES } from '../src/simulator/routes';
import { startSimulator, SIMULATOR_KEYS, type Simulator } from '../src/simulator';

const SPEC_DIR = process.env.DATADOG_OPENAPI_DIR ?? join(__dirname, '..', 'spec', 'datadog-openapi');
const DAY = 86_400_000;

type Version = 'v1' | 'v2';
type Node = Record<string, unknown>;
interface Operation {
  description?: string;
  parameters?: Node[];
  requestBody?: Node;
  responses: Record<string, Node>;
  security?: Record<string, string[]>[];
  'x-permission'?: { operator: string; permissions: string[] };
  'x-pagination'?: Record<string, string>;
}
interface Doc {
  paths: Record<string, Record<string, Operation> & { parameters?: Node[] }>;
  components: Record<string, Record<string, Node>>;
}

function loadSpec(version: Version): Doc {
  const file = join(SPEC_DIR, `${version}.yaml`);
  if (!existsSync(file)) throw new Error(`no Datadog OpenAPI spec at ${file}: set DATADOG_OPENAPI_DIR to the folder holding v1.yaml and v2.yaml`);
  return parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as Doc;
}

// Parsed once for the whole file: the v2 spec is 4 MB.
const specs: Record<Version, Doc> = { v1: loadSpec('v1'), v2: loadSpec('v2') };
const BASE: Record<Version, string> = { v1: 'https://spec.local/v1', v2: 'https://spec.local/v2' };

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
for (const version of ['v1', 'v2'] as const) ajv.addSchema({ $id: BASE[version], components: absolute(version, specs[version].components) });

/**
 * Local `$ref`s of a piece of the spec, made absolute so ajv finds them in the registered spec. A
 * nullable reference (`{$ref, nullable: true}`, as Dashboard's `default_timeframe`) becomes "the
 * reference or null": ajv reads `nullable` only beside a `type`.
 */
function absolute(version: Version, node: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => absolute(version, n));
  if (!node || typeof node !== 'object') return node;
  const { $ref, nullable } = node as { $ref?: unknown; nullable?: unknown };
  if (typeof $ref === 'string' && nullable === true) return { anyOf: [absolute(version, { $ref }), { type: 'null' }] };
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${BASE[version]}${v}` : absolute(version, v)]),
  );
}

function deref(version: Version, node: Node): Node {
  let current = node;
  while (typeof current.$ref === 'string') {
    const path = current.$ref.replace(/^#\//, '').split('/');
    current = path.reduce<Node>((n, key) => n[key] as Node, specs[version] as unknown as Node);
  }
  return current;
}

const validators = new Map<string, ValidateFunction>();
function validator(version: Version, key: string, schema: Node): ValidateFunction {
  const id = `${version} ${key}`;
  let validate = validators.get(id);
  if (!validate) {
    validate = ajv.compile(absolute(version, schema) as Node);
    validators.set(id, validate);
  }
  return validate;
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}

interface FoundOperation {
  version: Version;
  template: string;
  method: string;
  op: Operation;
  parameters: Node[];
  pathValues: Record<string, string>;
}

function findOperation(method: string, path: string): FoundOperation {
  const version: Version = path.startsWith('/api/v1/') ? 'v1' : 'v2';
  for (const [template, item] of Object.entries(specs[version].paths)) {
    const names: string[] = [];
    const regex = new RegExp(`^${template.replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    const match = regex.exec(path);
    const op = item[method.toLowerCase()] as Operation | undefined;
    if (!match || !op) continue;
    const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(version, p));
    const pathValues = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
    return { version, template, method, op, parameters, pathValues };
  }
  throw new Error(`${method} ${path} is not an operation of the ${version} spec`);
}

/** The schema of a dotted field of an operation's JSON request body, or undefined when it has none. */
function bodyField(found: FoundOperation, path: string): Node | undefined {
  const body = found.op.requestBody ? deref(found.version, found.op.requestBody) : undefined;
  let node: Node | undefined = body ? deref(found.version, (body.content as Record<string, { schema: Node }>)['application/json'].schema) : undefined;
  for (const key of path.split('.')) {
    const next = node ? (node.properties as Record<string, Node> | undefined)?.[key] : undefined;
    node = next ? deref(found.version, next) : undefined;
  }
  return node;
}

/** A query-string value as the spec's parameter schema sees it. */
function coerce(version: Version, schema: Node, raw: string, explode: boolean): unknown {
  const resolved = deref(version, schema);
  switch (resolved.type) {
    case 'integer':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'array':
      return explode ? [coerce(version, resolved.items as Node, raw, true)] : raw.split(',').map((v) => coerce(version, resolved.items as Node, v, true));
    default:
      return raw;
  }
}

/** Everything about a request that the spec does not allow: undeclared or invalid parameters, a bad body. */
function requestProblems(request: ApiRequest): string[] {
  const found = findOperation(request.method, request.path);
  const problems: string[] = [];
  const check = (where: string, schema: Node, value: unknown) => {
    const validate = validator(found.version, `${found.method} ${found.template} ${where}`, schema);
    if (!validate(value)) problems.push(`${where} = ${JSON.stringify(value)}: ${errorsOf(validate)}`);
  };
  for (const [name, raw] of Object.entries(request.query)) {
    const param = found.parameters.find((p) => p.in === 'query' && p.name === name);
    if (!param) {
      problems.push(`query parameter ${name} is not declared for ${found.method} ${found.template}`);
      continue;
    }
    check(`query ${name}`, param.schema as Node, coerce(found.version, param.schema as Node, raw, param.explode !== false));
  }
  for (const param of found.parameters) {
    if (param.required && param.in === 'query' && !(String(param.name) in request.query)) problems.push(`required query parameter ${param.name} is missing`);
    if (param.in === 'path') check(`path ${param.name}`, param.schema as Node, coerce(found.version, param.schema as Node, found.pathValues[String(param.name)] ?? '', true));
  }
  const body = found.op.requestBody ? deref(found.version, found.op.requestBody) : undefined;
  if (body) {
    const schema = (body.content as Record<string, { schema: Node }>)['application/json'].schema;
    if (request.body === undefined && body.required) problems.push('the request body is required');
    else check('body', schema, request.body);
  } else if (request.body !== undefined) {
    problems.push('the operation takes no body');
  }
  return problems;
}

/** A body's JSON media type: `application/json`, or a variant such as Usage Metering's `application/json;datetime-format=rfc3339`. */
function jsonContent(content: unknown): { schema: Node } | undefined {
  const types = (content ?? {}) as Record<string, { schema: Node }>;
  const type = Object.keys(types).find((t) => /^application\/json(;|$)/.test(t));
  return type === undefined ? undefined : types[type];
}

/** Whether a response body is what the spec promises for this operation and status. */
function responseProblems(method: string, path: string, status: number, body: unknown): string[] {
  const found = findOperation(method, path);
  const response = found.op.responses[String(status)];
  if (!response) return [`${method} ${found.template} has no ${status} response in the spec`];
  const content = jsonContent(deref(found.version, response).content);
  if (!content) return [];
  const validate = validator(found.version, `${method} ${found.template} ${status}`, content.schema);
  return validate(body) ? [] : [`${method} ${path} ${status}: ${errorsOf(validate)}`];
}

/** Representative configured queries, one per data source. */
const QUERIES: QueryDefinition[] = [
  { name: 'cpu_by_host', data_source: 'metrics', query: 'avg:system.cpu.user{*} by {host}', interval: 300_000 },
  { name: 'daily_cost', data_source: 'cloud_cost', query: 'sum:aws.cost.amortized{*} by {service}', interval: DAY },
  { name: 'errors_by_service', data_source: 'logs', query: 'status:error', interval: 3_600_000, group_by: ['service'] },
  { name: 'slow_views', data_source: 'rum', query: '@type:view', interval: 600_000, compute: { aggregation: 'pc95', metric: '@view.loading_time' } },
];
const QUERY_DEFS = QUERIES.map(queryStreamDef);

/** The page states a stream walks through, beyond the first. */
function laterPages(def: StreamDef): PageState[] {
  switch (def.pagination.kind) {
    case 'offset':
      return [{ offset: 200 }];
    case 'page':
      return [{ page: 3 }];
    case 'cursor':
      return [{ cursor: 'eyJ0cyI6MX0' }];
    case 'backward_time':
      return [{ to: Date.parse('2026-03-01T12:00:00.999Z') }];
    case 'none':
      return [];
  }
}

/** The paths a row reads: its own, and those its parent's value picks instead (`parent.paths`). */
function pathsOf(def: StreamDef): string[] {
  return [def.path, ...Object.values(def.parent?.paths?.byValue ?? {})];
}

/** Every request the client can build for a stream: first and later pages, windows, queries, small and full pages. */
function requestsFor(def: StreamDef): ApiRequest[] {
  if (def.derivedFrom) return [];
  const window = def.window ? { from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-03-02T00:00:00Z') } : undefined;
  const pathParams = def.parent ? { [def.parent.pathParam]: 'c5a3a8f3b6f14b1cb1f8a3a3f1a0a2b4' } : undefined;
  const since = sinceFor(def, Date.parse('2026-03-02T00:00:00Z'));
  const requests: ApiRequest[] = [];
  // A fan-out stream asks for each of its values in turn: every accepted one.
  const fanOutValues = def.fanOut?.allowed;
  const fanned = fanOutValues ? fanOutValues.map((_, value) => ({ value })) : [];
  for (const pathTemplate of pathsOf(def)) {
    for (const pageSize of [1, effectivePageSize(def.pagination, undefined)]) {
      for (const page of [{}, ...laterPages(def), ...fanned]) {
        requests.push(buildPageRequest(def, { window, since, page, pageSize, pathParams, pathTemplate, fanOutValues }));
        if (def.queryParam) requests.push(buildPageRequest(def, { window, since, page, pageSize, pathParams, pathTemplate, fanOutValues, query: 'service:web status:error' }));
      }
    }
  }
  return requests;
}

describe('the stream table agrees with the official spec', () => {
  const rows = STREAMS.flatMap((s) => pathsOf(s).map((path) => [path === s.path ? s.name : `${s.name} at ${path}`, s, path] as const));
  it.each(rows)('%s', (_, def, path) => {
    const found = findOperation(def.method, path.replace(/\{[^}]+\}/g, 'x'));
    const { op, version } = found;

    // The permission the endpoint needs.
    // `x-permission` with its operator; else the operation's OAuth scopes; else none stated ('').
    const xPermission = op['x-permission'];
    const permission = xPermission ? xPermission.permissions.join(xPermission.operator === 'AND' ? ' and ' : ' or ') : (op.security?.find((s) => s.AuthZ)?.AuthZ.join(' or ') ?? '');
    expect(def.permission).toBe(permission);

    // Paging parameters are the operation's own, and the page size is its stated maximum.
    const param = (name: string) => found.parameters.find((p) => p.in === 'query' && p.name === name);
    const pagination = def.pagination;
    if (pagination.kind === 'backward_time') {
      // No page size to send: the endpoint says how many it returns, and where the next call reaches back from.
      expect(param(pagination.toParam)).toBeDefined();
      expect(String((op as { description?: string }).description)).toContain(`last ${pagination.cap}`);
      const body = deref(version, (deref(version, op.responses['200']).content as Record<string, { schema: Node }>)['application/json'].schema);
      expect(deref(version, (body.properties as Record<string, Node>)[pagination.nextToPath]).type).toBe('integer');
    } else if (pagination.kind !== 'none') {
      const sizeName = pagination.kind === 'page' ? pagination.sizeParam : pagination.limitParam;
      const names = [pagination.kind === 'offset' ? pagination.offsetParam : pagination.kind === 'page' ? pagination.pageParam : pagination.cursorParam, sizeName];
      for (const name of names.filter((n) => n !== undefined)) expect(param(name)).toBeDefined();
      if (sizeName === undefined) {
        // A cursor without a page size only where the operation takes none.
        expect(found.parameters.filter((p) => p.in === 'query' && /limit|size|count/i.test(String(p.name))).map((p) => p.name)).toEqual([]);
        expect(pagination.kind === 'cursor' && pagination.maxPageSize).toBeUndefined();
      } else {
        const sizeParam = param(sizeName)!;
        const schema = deref(version, sizeParam.schema as Node);
        const stated = (schema.maximum as number | undefined) ?? Number(/max(?:imum)?(?: allowed value is)?\s+(\d+)/i.exec(String(sizeParam.description ?? ''))?.[1] ?? NaN);
        if (!Number.isNaN(stated)) expect(pagination.maxPageSize).toBe(stated);
      }
    }
    const declared = op['x-pagination'];
    if (declared) {
      if (pagination.kind === 'offset') expect(declared).toMatchObject({ limitParam: pagination.limitParam, pageOffsetParam: pagination.offsetParam });
      if (pagination.kind === 'page') expect(declared).toMatchObject({ limitParam: pagination.sizeParam, pageParam: pagination.pageParam });
      if (pagination.kind === 'cursor') expect(declared).toMatchObject({ limitParam: pagination.limitParam, cursorParam: pagination.cursorParam, cursorPath: pagination.nextCursorPath });
      expect(declared.resultsPath ?? '').toBe(def.recordsPath);
    }

    // The records sit where the table says, and are the component its schema comes from.
    // Not dereferenced yet: a body that is the record itself (`recordsPath: ''`) names its component here.
    let node = jsonContent(deref(version, op.responses['200']).content)!.schema;
    const response = deref(version, node);
    for (const key of def.recordsPath ? def.recordsPath.split('.') : []) node = (deref(version, node).properties as Record<string, Node>)[key];
    if (def.derivedFrom) {
      // Rows made from another stream's records: the fields they are made of are in that stream's component.
      const source = getStream(def.derivedFrom.stream);
      if (!('component' in source.schemaSource)) throw new Error(`${def.name}: its source's schema comes from the spec`);
      const sourceRecord = deref(version, specs[version].components.schemas[source.schemaSource.component]);
      let items: Node = sourceRecord;
      for (const key of def.derivedFrom.items.split('.')) items = deref(version, (items.properties as Record<string, Node>)[key]);
      expect(items.type).toBe('array');
      const item = deref(version, items.items as Node);
      for (const path of Object.values(def.derivedFrom.itemFields)) expect(Object.keys(item.properties as Node)).toContain(path);
      for (const path of Object.values(def.derivedFrom.recordFields)) expect(Object.keys(sourceRecord.properties as Node)).toContain(path.split('.')[0]);
      expect(def.path).toBe(source.path);
    } else if (def.recordShape === 'map') {
      // `{key: [values]}`: an object of arrays.
      const map = deref(version, node);
      expect(map.type).toBe('object');
      expect(deref(version, map.additionalProperties as Node).type).toBe('array');
      expect('inline' in def.schemaSource).toBe(true);
    } else if (def.recordShape === 'ordered') {
      // An ordered list of names is no component: its rows (position, name) are Retriever's own.
      expect(deref(version, node).type).toBe('array');
      expect(deref(version, deref(version, node).items as Node).type).toBe('string');
      expect('inline' in def.schemaSource).toBe(true);
    } else if (def.recordShape === 'values') {
      // An array of names, each a row of the inline schema's one field.
      expect(deref(version, deref(version, node).items as Node).type).toBe('string');
      if (!('inline' in def.schemaSource)) throw new Error(`${def.name}: rows made of names have an inline schema`);
      expect(Object.keys(def.schemaSource.inline.properties ?? {})).toContain(def.valueField);
    } else {
      let record = (def.recordShape ?? 'list') === 'list' ? (deref(version, node).items as Node) : node;
      // Records that are the resources of `included[]` their relationship names: the component is one of those.
      if (def.included && !def.included.as) record = deref(version, (response.properties as Record<string, Node>).included).items as Node;
      const names = [record, ...(((deref(version, record).oneOf as Node[] | undefined) ?? []))].map((n) => String(n.$ref ?? '').split('/').pop());
      if (!('component' in def.schemaSource)) throw new Error(`${def.name}: a table stream's schema comes from the spec`);
      if (path === def.path) {
        expect(names).toContain(def.schemaSource.component);
      } else {
        // Another path of the same table: its records have the same fields as the row's component.
        const fields = (component: string) => Object.keys(deref(version, specs[version].components.schemas[component]).properties as Node).sort();
        expect(fields(names[0]!)).toEqual(fields(def.schemaSource.component));
      }
      const component = deref(version, specs[version].components.schemas[def.schemaSource.component]);
      // A record filter tests a field the records have; dropped fields (secrets) get no column.
      if (def.recordFilter) expect(Object.keys(component.properties as Node)).toContain(def.recordFilter.field.split('.')[0]);
      for (const path of def.dropFields ?? []) {
        let schema: JsonSchema | undefined = streamSchema(def);
        for (const key of path.split('.')) schema = schema?.properties?.[key];
        expect({ dropped: path, column: schema }).toEqual({ dropped: path, column: undefined });
      }
    }
    if (def.window) {
      // GET windows are query parameters; POST ones are fields of the request body.
      for (const name of [def.window.fromParam, def.window.toParam]) expect(def.method === 'GET' ? param(name) : bodyField(found, name)).toBeDefined();
      const cap = def.window.splitWhenFull;
      if (cap !== undefined) {
        // The most one call returns, as the spec states it: a body `limit`'s maximum, or the operation's description.
        const limit = Object.keys(def.body ?? {}).find((k) => k.endsWith('.limit'));
        const stated = limit ? Number(bodyField(found, limit)?.maximum) : Number(/maximum of (\d+)/i.exec(op.description ?? '')?.[1]);
        expect(cap).toBe(stated);
        if (limit) expect(def.body![limit]).toBe(stated);
        // Only for endpoints without paging: a full page of a paged endpoint is followed, not split.
        expect(def.pagination.kind).toBe('none');
      }
    }
    for (const name of Object.keys(def.method === 'POST' ? (def.params ?? {}) : {})) expect(param(name)).toBeDefined();
    if (def.since) expect(param(def.since.param)).toBeDefined();

    // An inclusive end where the spec says "ending this month", an exclusive one where it says "ending **before**".
    if (def.window) {
      const said = String(param(def.window.toParam)?.description ?? '');
      if (/ending \*\*before\*\*/.test(said)) expect(def.window.inclusiveTo).toBeFalsy();
      if (/ending (in )?this (month|day|hour)/.test(said)) expect(def.window.inclusiveTo).toBe(true);
    }
    // A fan-out parameter is required, one value a request, and takes exactly the spec's values.
    if (def.fanOut) {
      const fanned = param(def.fanOut.param)!;
      expect(fanned.required).toBe(true);
      expect([...def.fanOut.allowed].sort()).toEqual([...(deref(version, fanned.schema as Node).enum as string[])].sort());
      expect(def.fanOut.defaults.filter((v) => !def.fanOut!.allowed.includes(v))).toEqual([]);
    }
    // Parent-organisation endpoints are the ones the spec calls so.
    expect(Boolean(def.parentOrgOnly)).toBe(/only accessible for \[parent-level organizations\]/.test(op.description ?? ''));
  });

  it('names the timeseries endpoint and permission for query streams', () => {
    const found = findOperation('POST', '/api/v2/query/timeseries');
    expect(found.op['x-permission']?.permissions).toEqual([QUERY_DEFS[0].permission]);
  });
});

describe('every request the client builds is valid', () => {
  it.each([...STREAMS, ...QUERY_DEFS].map((s) => [s.name, s] as const))('%s', (_, def) => {
    const requests = requestsFor(def);
    // A derived stream makes no request of its own.
    expect(requests.length > 0).toBe(!def.derivedFrom);
    for (const request of requests) expect({ request, problems: requestProblems(request) }).toEqual({ request, problems: [] });
  });

  it('always sends a time filter for incremental streams (audit_logs would read only 15 minutes without it)', () => {
    expect(() => buildPageRequest(getStream('audit_logs'), { page: {}, pageSize: 10 })).toThrow(/needs a time window/);
    const request = buildPageRequest(getStream('audit_logs'), { page: {}, pageSize: 1000, window: { from: 0, to: DAY } });
    expect(request.query).toMatchObject({ 'filter[from]': '1970-01-01T00:00:00.000Z', 'filter[to]': '1970-01-02T00:00:00.000Z', 'page[limit]': '1000' });
  });

  it('catches a request the spec does not allow', () => {
    expect(requestProblems({ method: 'GET', path: '/api/v2/logs/events', query: { 'page[limit]': '5000', 'filter[nope]': 'x' } })).toEqual([
      expect.stringContaining('page[limit] = 5000: (root) must be <= 1000'),
      expect.stringContaining('filter[nope] is not declared'),
    ]);
    expect(requestProblems({ method: 'GET', path: '/api/v1/slo/abc/history', query: {} })).toEqual([
      expect.stringContaining('from_ts is missing'),
      expect.stringContaining('to_ts is missing'),
    ]);
  });
});

describe('response validation', () => {
  it('catches bodies the spec does not allow', () => {
    expect(responseProblems('GET', '/api/v2/incidents', 200, { data: [{ id: 'x', type: 'incident' }] })).toEqual([expect.stringContaining('must be equal to one of the allowed values')]);
    expect(responseProblems('GET', '/api/v1/monitor', 200, [{ id: 1, query: 'avg(last_5m):x > 1' }])).toEqual([expect.stringContaining("must have required property 'type'")]);
    expect(responseProblems('GET', '/api/v2/logs/events', 200, { data: [], meta: { status: 'partial' } })).toEqual([expect.stringContaining('/meta/status')]);
    expect(responseProblems('GET', '/api/v2/spans/events', 400, { errors: ['a string where the spec wants an object'] })).toEqual([expect.stringContaining('must be object')]);
  });
});

describe('every simulator response is valid', () => {
  let simulator: Simulator;
  let client: DatadogClient;
  const now = Date.now();
  const exercised = new Set<string>();

  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 11,
      logs: { count: 400, from: now - 2 * DAY, to: now },
      search: { audit_logs: 120, events: 120, rum_events: 120, spans: 120 },
      forbiddenStreams: ['notebooks'],
    });
    client = new DatadogClient({ baseUrl: simulator.url, credentials: SIMULATOR_KEYS });
  });
  afterAll(async () => {
    await client?.close();
    await simulator?.close();
  });

  /** Sends a request, checks the answer against the spec, and returns it. */
  async function call(request: ApiRequest, expectedStatus = 200): Promise<unknown> {
    let status = 200;
    let body: unknown;
    try {
      body = (await client.send(request)).body;
    } catch (err) {
      if (!(err instanceof DatadogApiError)) throw err;
      status = err.status!;
      body = await rawBody(request);
    }
    expect(status).toBe(expectedStatus);
    exercised.add(`${request.method} ${findOperation(request.method, request.path).template}`);
    expect(responseProblems(request.method, request.path, status, body)).toEqual([]);
    return body;
  }

  /** The error body itself (the client turns errors into exceptions). */
  async function rawBody(request: ApiRequest): Promise<unknown> {
    const url = `${simulator.url}${request.path}?${new URLSearchParams(request.query)}`;
    const response = await fetch(url, {
      method: request.method,
      headers: { 'dd-api-key': SIMULATOR_KEYS.apiKey, 'dd-application-key': SIMULATOR_KEYS.appKey, 'content-type': 'application/json' },
      body: request.body ? JSON.stringify(request.body) : undefined,
    });
    return response.json();
  }

  it.each([...STREAMS.filter((s) => s.name !== 'notebooks' && !s.parent && !s.derivedFrom), ...QUERY_DEFS].map((s) => [s.name, s] as const))('%s: pages', async (_, def) => {
    const window = def.window ? { from: Math.floor((now - DAY) / 3_600_000) * 3_600_000, to: Math.floor(now / 3_600_000) * 3_600_000 } : undefined;
    const pageSize = Math.min(effectivePageSize(def.pagination, 7), 7);
    let page: PageState | null = {};
    for (let i = 0; page && i < 3; i++) {
      const body = await call(buildPageRequest(def, { window, since: sinceFor(def, now), page, pageSize, fanOutValues: def.fanOut?.defaults }));
      const records = extractRecords(def, body);
      const next = nextPageState(def.pagination, page, body, records.length, pageSize);
      page = def.fanOut ? nextFanOutPage(page, next, def.fanOut.defaults.length) : next;
    }
  });

  it('slo_history: one history per SLO', async () => {
    const def = getStream('slo_history');
    const window = { from: now - DAY, to: now };
    for (const slo of simulator.world.slos.slice(0, 3)) {
      const body = await call(buildPageRequest(def, { window, page: {}, pageSize: 0, pathParams: { slo_id: String(slo.id) } }));
      expect(extractRecords(def, body, { fields: { slo_id: slo.id } })).toHaveLength(1);
    }
    await call(buildPageRequest(def, { window, page: {}, pageSize: 0, pathParams: { slo_id: 'no-such-slo' } }), 404);
  });

  it('synthetic_results: API and browser results, read backwards 150 at a time; other tests are not served', async () => {
    const def = getStream('synthetic_results');
    const window = { from: now - 7 * DAY, to: now };
    const tests = simulator.world.syntheticTests;
    // The busiest test of each type (most locations, most often), so a window takes several calls.
    const rate = (t: Record<string, unknown>) => (t.locations as string[]).length / Number((t.options as { tick_every: number }).tick_every);
    for (const type of ['api', 'browser']) {
      const test = tests.filter((t) => t.type === type && t.status === 'live').sort((a, b) => rate(b) - rate(a))[0];
      const pathTemplate = parentPath(def, test)!;
      let page: PageState | null = {};
      let pages = 0;
      while (page) {
        const body = await call(buildPageRequest(def, { window, page, pageSize: 150, pathParams: { public_id: String(test.public_id) }, pathTemplate }));
        const records = extractRecords(def, body, { fields: { public_id: test.public_id } });
        page = nextPageState(def.pagination, page, body, records.length, 150);
        pages++;
      }
      expect({ type, pages: pages > 1 }).toEqual({ type, pages: true });
    }
    // A mobile test has no results path; the API path does not serve a browser test.
    expect(parentPath(def, tests.find((t) => t.type === 'mobile')!)).toBeNull();
    const browser = tests.find((t) => t.type === 'browser')!;
    await call(buildPageRequest(def, { window, page: {}, pageSize: 150, pathParams: { public_id: String(browser.public_id) } }), 404);
  });

  it('dashboard_definitions and metric_metadata: one object per dashboard or metric, 404 for one Datadog does not have', async () => {
    const dashboards = getStream('dashboard_definitions');
    for (const dashboard of simulator.world.dashboards.slice(0, 4)) {
      const body = await call(buildPageRequest(dashboards, { page: {}, pageSize: 0, pathParams: { dashboard_id: dashboard.id } }));
      expect(extractRecords(dashboards, body, { fields: { id: dashboard.id } })).toEqual([expect.objectContaining({ id: dashboard.id, modified_at: dashboard.modified_at })]);
    }
    await call(buildPageRequest(dashboards, { page: {}, pageSize: 0, pathParams: { dashboard_id: 'abc-123-xyz' } }), 404);
    const metadata = getStream('metric_metadata');
    for (const metric of simulator.world.metrics.slice(0, 6)) {
      const name = String(metric.record.id);
      const body = await call(buildPageRequest(metadata, { page: {}, pageSize: 0, pathParams: { metric_name: name } }));
      expect(extractRecords(metadata, body, { fields: { metric_name: name } })).toEqual([expect.objectContaining({ metric_name: name })]);
    }
    await call(buildPageRequest(metadata, { page: {}, pageSize: 0, pathParams: { metric_name: 'no.such.metric' } }), 404);
  });

  it('inventory lists refuse what their spec refuses', async () => {
    await call({ method: 'GET', path: '/api/v2/api_keys', query: { 'page[size]': '101' } }, 400);
    await call({ method: 'GET', path: '/api/v2/application_keys', query: { sort: 'modified_at' } }, 400);
    await call({ method: 'GET', path: '/api/v2/ndm/devices', query: { 'page[size]': '501' } }, 400);
    await call({ method: 'GET', path: '/api/v2/obs-pipelines/pipelines', query: { 'page[size]': '101' } }, 400);
  });

  it('errors: bad parameters (400), a missing permission (403), a rejected API key', async () => {
    await call({ method: 'GET', path: '/api/v2/logs/events', query: { 'page[limit]': '5000' } }, 400);
    await call({ method: 'GET', path: '/api/v2/spans/events', query: { 'page[limit]': '5000' } }, 400);
    await call({ method: 'GET', path: '/api/v1/monitor', query: { page_size: '2000', page: '0' } }, 400);
    await call({ method: 'POST', path: '/api/v2/query/timeseries', query: {}, body: { data: { type: 'timeseries_request', attributes: { from: 2, to: 1, queries: [] } } } }, 400);
    await call(buildPageRequest(getStream('notebooks'), { page: {}, pageSize: 10 }), 403);
    // DORA's 400s are JSON:API error objects (as recorded, and as its spec says); a missing type is one.
    await call({ method: 'POST', path: '/api/v2/dora/failures', query: {}, body: { data: { attributes: { limit: 10 } } } }, 400);
    await call({ method: 'POST', path: '/api/v2/dora/deployments', query: {}, body: { data: { type: 'dora_deployments_list_request', attributes: { limit: 1001 } } } }, 400);
    await call({ method: 'GET', path: '/api/v2/security/findings', query: { 'page[limit]': '151' } }, 400);
    expect(await call({ method: 'GET', path: '/api/v1/validate', query: {} })).toEqual({ valid: true });
    const stranger = new DatadogClient({ baseUrl: simulator.url, credentials: { apiKey: 'wrong', appKey: 'wrong' } });
    const refused = await stranger.send({ method: 'GET', path: '/api/v1/validate', query: {} }, { apiKeyOnly: true }).catch((e: DatadogApiError) => e);
    await stranger.close();
    expect(refused).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(responseProblems('GET', '/api/v1/validate', 403, { errors: ['Forbidden'] })).toEqual([]);
    exercised.add('GET /api/v1/validate');
  });

  it('usage and cost errors: missing or bad parameters (400), a child organisation (400), one of two permissions missing (403)', async () => {
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    await call({ method: 'GET', path: '/api/v2/usage/hourly_usage', query: { 'filter[timestamp][start]': iso(hour - 3_600_000) } }, 400);
    await call({ method: 'GET', path: '/api/v2/usage/hourly_usage', query: { 'filter[timestamp][start]': iso(hour - 3_600_000), 'filter[product_families]': 'all', 'page[limit]': '501' } }, 400);
    await call({ method: 'GET', path: '/api/v1/usage/summary', query: { start_month: iso(Date.UTC(2020, 0, 1)) } }, 400);
    await call({ method: 'GET', path: '/api/v2/usage/estimated_cost', query: {} }, 400);
    await call({ method: 'GET', path: '/api/v2/cost_by_tag/monthly_cost_attribution', query: { start_month: iso(hour) } }, 400);
    const child = await startSimulator({ seed: 11, childOrg: true, forbiddenPermissions: ['billing_read'] });
    const childClient = new DatadogClient({ baseUrl: child.url, credentials: SIMULATOR_KEYS });
    try {
      const answers: { path: string; status?: number; kind?: string; body?: unknown }[] = [];
      for (const name of ['usage_summary', 'estimated_cost', 'usage_hourly']) {
        const def = getStream(name);
        const request = buildPageRequest(def, { window: { from: hour - 3_600_000, to: hour }, page: {}, pageSize: effectivePageSize(def.pagination, undefined) });
        const refused = await childClient.send(request).then(() => undefined, (e: DatadogApiError) => e);
        const url = `${child.url}${request.path}?${new URLSearchParams(request.query)}`;
        const body = refused ? await (await fetch(url, { headers: { 'dd-api-key': SIMULATOR_KEYS.apiKey, 'dd-application-key': SIMULATOR_KEYS.appKey } })).json() : undefined;
        if (refused) expect(responseProblems('GET', request.path, refused.status!, body)).toEqual([]);
        answers.push({ path: request.path, status: refused?.status, kind: refused?.kind, body });
      }
      // A child organisation's keys: Datadog's recorded 400, which the client reads as a refusal; billing_read missing: 403.
      expect(answers).toEqual([
        { path: '/api/v1/usage/summary', status: 400, kind: 'forbidden', body: { errors: ['API called with non-parent org keys. Data is only available at the root level org'] } },
        { path: '/api/v2/usage/estimated_cost', status: 403, kind: 'forbidden', body: { errors: [expect.stringContaining('usage_read and billing_read')] } },
        { path: '/api/v2/usage/hourly_usage', status: undefined, kind: undefined, body: undefined },
      ]);
    } finally {
      await childClient.close();
      await child.close();
    }
  });

  it('covers every route the simulator serves', () => {
    // current_user is in Datadog's newer specs only (the copy here predates it).
    const routes = Object.keys(ROUTES).filter((r) => r !== 'GET /api/v2/current_user');
    expect(routes.filter((r) => !exercised.has(r))).toEqual([]);
  });
});
