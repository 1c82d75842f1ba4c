/**
 * Writes src/datadog/streams/schemas.json: each stream's record schema, taken from the component the
 * stream table names in Datadog's official OpenAPI spec, with `$ref`s resolved a few levels deep
 * (deeper structure becomes an open object: it lands in JSON columns anyway).
 *
 *   npx ts-node --transpile-only scripts/generate-schemas.ts [path/to/datadog-openapi]
 */
import type { JsonSchema } from '../src/shared/json';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { STREAMS } from '../src/datadog/streams/table';

const specDir = process.argv[2] ?? join(__dirname, '..', 'spec', 'datadog-openapi');
const MAX_DEPTH = 4;
const KEPT = ['type', 'format', 'description', 'enum', 'nullable'] as const;

type Spec = { components: { schemas: Record<string, Record<string, unknown>> } };
const specs: Record<string, Spec> = {};
function spec(version: 'v1' | 'v2'): Spec {
  specs[version] ??= parse(readFileSync(join(specDir, `${version}.yaml`), 'utf8'), { maxAliasCount: -1 }) as Spec;
  return specs[version];
}

function resolve(doc: Spec, node: Record<string, unknown>, depth: number): JsonSchema {
  if (typeof node.$ref === 'string') {
    const name = node.$ref.split('/').pop()!;
    return resolve(doc, doc.components.schemas[name], depth);
  }
  const out: Record<string, unknown> = {};
  for (const key of KEPT) if (node[key] !== undefined) out[key] = node[key];
  if (typeof out.description === 'string') out.description = out.description.split('\n')[0];
  for (const combiner of ['oneOf', 'anyOf', 'allOf'] as const) {
    // A union of shapes has no single column type: keep it as an open object.
    if (Array.isArray(node[combiner]) && !out.type) out.type = (node[combiner] as unknown[]).length ? 'object' : undefined;
  }
  if (depth >= MAX_DEPTH) return out as JsonSchema;
  if (node.properties) {
    out.type ??= 'object';
    out.properties = Object.fromEntries(
      Object.entries(node.properties as Record<string, Record<string, unknown>>).map(([k, v]) => [k, resolve(doc, v, depth + 1)]),
    );
  }
  if (node.items) out.items = resolve(doc, node.items as Record<string, unknown>, depth + 1);
  return out as JsonSchema;
}

/** The object schema at `path` within `schema` (the record itself for an empty path). */
function objectAt(schema: JsonSchema, path: string[], stream: string): JsonSchema {
  let node = schema;
  for (const key of path) {
    const next = node.properties?.[key];
    if (!next) throw new Error(`${stream}: the schema has no object "${path.join('.')}" to add fields to`);
    node = next;
  }
  return node;
}

/** Removes a dotted path's property from an object schema: a field dropped before storage. */
function dropProperty(schema: JsonSchema, path: string[]): void {
  const [head, ...rest] = path;
  if (!schema.properties?.[head]) return;
  if (rest.length === 0) delete schema.properties[head];
  else dropProperty(schema.properties[head], rest);
}

const schemas: Record<string, JsonSchema> = {};
for (const stream of STREAMS) {
  const source = stream.schemaSource;
  if ('inline' in source) {
    schemas[stream.name] = source.inline;
    continue;
  }
  const doc = spec(source.spec);
  const component = doc.components.schemas[source.component];
  if (!component) throw new Error(`${stream.name}: no component ${source.component} in ${source.spec}`);
  const schema = resolve(doc, component, 0);
  // Fields Retriever adds to the records (a dependent stream's parent id, a derived key) are columns too;
  // a dotted name is a field of a nested object (an attribute Datadog sends that the spec does not name).
  const added = Object.entries(source.addedFields ?? {});
  schema.properties = { ...Object.fromEntries(added.filter(([name]) => !name.includes('.'))), ...schema.properties };
  for (const [name, field] of added.filter(([name]) => name.includes('.'))) {
    const path = name.split('.');
    const object = objectAt(schema, path.slice(0, -1), stream.name);
    object.properties = { ...object.properties, [path[path.length - 1]]: field };
  }
  // Times the spec types as plain strings become timestamp columns (read as UTC when they have no zone).
  for (const name of source.timeFields ?? []) {
    const path = name.split('.');
    const field = objectAt(schema, path.slice(0, -1), stream.name).properties?.[path[path.length - 1]];
    if (field?.type !== 'string') throw new Error(`${stream.name}: time field ${name} is not a string of ${source.component}`);
    field.format = 'date-time';
  }
  // Fields dropped before storage (secrets, key values) get no column.
  for (const path of stream.dropFields ?? []) dropProperty(schema, path.split('.'));
  schemas[stream.name] = schema;
}
const target = join(__dirname, '..', 'src', 'datadog', 'streams', 'schemas.json');
writeFileSync(target, JSON.stringify(schemas, null, 2) + '\n');
console.log(`wrote ${Object.keys(schemas).length} schemas to ${target}`);
