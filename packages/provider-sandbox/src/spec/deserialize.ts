/**
 * Strings on the wire to the values the schema describes, before Ajv sees them:
 * OpenAPI leaves deserializing path, query, header and form strings (style,
 * explode) to the server.
 */
import { isUploadedFile } from '../types.js';
import { isObject, type CompiledSpec, type Json, type SpecParameter } from './model.js';

/** Types a schema admits, looking through `$ref`, `anyOf`, `oneOf` and `allOf`. */
export function schemaTypes(spec: CompiledSpec, schema: Json, depth = 0): Set<string> {
  const types = new Set<string>();
  if (depth > 16) return types;
  if (typeof schema.$ref === 'string')
    return schemaTypes(spec, spec.schemaAt(schema.$ref), depth + 1);
  if (typeof schema.type === 'string') types.add(schema.type);
  if (Array.isArray(schema.type)) for (const t of schema.type) types.add(String(t));
  if ('const' in schema && types.size === 0)
    types.add(typeof schema.const === 'number' ? 'number' : typeof schema.const);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      for (const branch of branches)
        if (isObject(branch)) for (const t of schemaTypes(spec, branch, depth + 1)) types.add(t);
    }
  }
  if (types.size === 0 && isObject(schema.properties)) types.add('object');
  if (types.size === 0 && schema.items !== undefined) types.add('array');
  return types;
}

export function resolveLocal(spec: CompiledSpec, schema: Json): Json {
  let current = schema;
  for (let i = 0; i < 16 && typeof current.$ref === 'string'; i++)
    current = spec.schemaAt(current.$ref);
  return current;
}

/** A text value converted to the scalar type the schema expects; left as text when it cannot be. */
export function deserializeScalar(spec: CompiledSpec, schema: Json, text: string): unknown {
  const types = schemaTypes(spec, schema);
  if (types.size === 0 || types.has('string')) return text;
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text))
    return Number(text);
  if (types.has('boolean')) {
    // Laravel/PHP backends read 1/0 as booleans; OpenAPI clients send true/false.
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
  }
  if (types.has('null') && text === '') return null;
  if (types.has('object') || types.has('array')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function itemsSchema(spec: CompiledSpec, schema: Json): Json {
  const resolved = resolveLocal(spec, schema);
  return isObject(resolved.items) ? resolved.items : {};
}

export interface RawRequestParts {
  readonly path: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Every raw value sent for the parameter; PHP-style `name[]` counts for array query parameters. */
function rawValues(parameter: SpecParameter, raw: RawRequestParts, isArray: boolean): string[] {
  if (parameter.in === 'path') {
    const v = raw.path[parameter.name];
    return v === undefined ? [] : [v];
  }
  if (parameter.in === 'query') {
    const values = raw.query.getAll(parameter.name);
    return values.length === 0 && isArray ? raw.query.getAll(`${parameter.name}[]`) : values;
  }
  if (parameter.in === 'header') {
    const v = raw.headers[parameter.name.toLowerCase()];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }
  return [];
}

/** Reads one parameter from the raw request according to its style and explode settings. */
export function readParameter(
  spec: CompiledSpec,
  parameter: SpecParameter,
  raw: RawRequestParts,
): unknown {
  const schema = spec.schemaAt(parameter.schemaPointer);
  const isArray = schemaTypes(spec, schema).has('array');
  const values = rawValues(parameter, raw, isArray);
  if (values.length === 0) return undefined;
  if (isArray) {
    const items = itemsSchema(spec, schema);
    const parts =
      parameter.explode && parameter.in === 'query' ? values : values.flatMap((v) => v.split(','));
    return parts.map((part) => deserializeScalar(spec, items, part));
  }
  return deserializeScalar(spec, schema, values[values.length - 1]!);
}

/** Files become their names for validation: `format: binary` only says "some bytes". */
export function validationView(value: unknown): unknown {
  if (isUploadedFile(value)) return value.filename;
  if (Array.isArray(value)) return value.map(validationView);
  if (isObject(value)) {
    const view: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) view[k] = validationView(v);
    return view;
  }
  return value;
}
