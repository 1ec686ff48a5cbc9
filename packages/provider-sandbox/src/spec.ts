/**
 * Loads the vendor specs and turns each operation into validators.
 *
 * Every schema is validated by Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 * The whole spec document is registered with Ajv under its own `$id`, and each schema
 * the sandbox needs is compiled as a `$ref` to its JSON pointer inside that document,
 * so `#/components/...` references resolve exactly as the spec writes them. This file
 * only does what OpenAPI leaves to the server: locating schemas, and deserializing
 * path/query/header/form strings (style, explode, encoding) before validation.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';
import { isUploadedFile, type UploadedFile, type ValidationIssue } from './types.js';

type Json = Record<string, unknown>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

export interface SpecParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly style: string;
  readonly explode: boolean;
  readonly schemaPointer: string;
}

export interface SpecMediaType {
  readonly mediaType: string;
  readonly schemaPointer: string | undefined;
  /** Per-property `encoding` of multipart/urlencoded bodies. */
  readonly encoding: Readonly<Record<string, { contentType?: string }>>;
}

export interface SpecHeader {
  readonly name: string;
  readonly required: boolean;
  readonly schemaPointer: string | undefined;
}

export interface SpecResponse {
  readonly content: readonly SpecMediaType[];
  readonly headers: readonly SpecHeader[];
}

export interface SecurityScheme {
  readonly type: string;
  readonly scheme?: string;
  readonly in?: string;
  readonly name?: string;
}

export interface SpecOperation {
  readonly vendor: string;
  readonly operationId: string;
  readonly method: string;
  readonly pathTemplate: string;
  readonly parameters: readonly SpecParameter[];
  readonly requestBody:
    { readonly required: boolean; readonly content: readonly SpecMediaType[] } | undefined;
  readonly responses: Readonly<Record<string, SpecResponse>>;
  /** Alternatives, each a set of scheme names that must all pass. Empty: no auth. */
  readonly security: readonly (readonly string[])[];
  /** The operation's `x-*` extensions (`x-rate-limit`, `x-limits`...). */
  readonly extensions: Readonly<Record<string, unknown>>;
  match(pathname: string): Record<string, string> | undefined;
  /** Literal path segments, so `/threads/{id}/download` wins over `/threads/{id}`. */
  readonly specificity: number;
}

export interface CompiledSpec {
  readonly vendor: string;
  readonly document: Json;
  /** Path part of the spec's first server URL (`/api/v2` for Omnidesk, '' for most). */
  readonly serverPath: string;
  readonly operations: readonly SpecOperation[];
  readonly securitySchemes: Readonly<Record<string, SecurityScheme>>;
  operation(operationId: string): SpecOperation | undefined;
  /** Validates `value` against the schema at `pointer` (a JSON pointer into the document). */
  validate(pointer: string, value: unknown): readonly ErrorObject[];
  /** The schema at `pointer` with local `$ref`s followed, for deserialization decisions. */
  schemaAt(pointer: string): Json;
}

function escapePointerSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function pointerOf(segments: readonly string[]): string {
  return `#/${segments.map(escapePointerSegment).join('/')}`;
}

function segmentsOf(pointer: string): string[] {
  return pointer
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows OpenAPI `$ref`s between components; returns the target and its pointer. */
function follow(document: Json, node: unknown, pointer: string): { node: Json; pointer: string } {
  let current = node;
  let currentPointer = pointer;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`Reference cycle at ${pointer}`);
    const ref = current.$ref;
    if (!ref.startsWith('#')) throw new Error(`Only local $refs are supported (${ref})`);
    currentPointer = ref;
    current = segmentsOf(ref).reduce<unknown>(
      (n, key) => (isObject(n) || Array.isArray(n) ? (n as Json)[key] : undefined),
      document,
    );
  }
  if (!isObject(current)) throw new Error(`Unresolvable reference at ${pointer}`);
  return { node: current, pointer: currentPointer };
}

function pathMatcher(template: string): {
  match: (p: string) => Record<string, string> | undefined;
  specificity: number;
} {
  const names: string[] = [];
  const segments = template.split('/').filter(Boolean);
  const pattern = segments
    .map((segment) =>
      segment.replace(/\{([^}]+)\}|[^{]+/g, (part, name: string | undefined) => {
        if (name) {
          names.push(name);
          return '([^/]+)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }),
    )
    .join('/');
  const regex = new RegExp(`^/${pattern}/?$`);
  return {
    specificity: segments.filter((s) => !s.includes('{')).length,
    match(pathname) {
      const m = regex.exec(pathname);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]!);
      });
      return params;
    },
  };
}

function specServerPath(document: Json): string {
  const servers = Array.isArray(document.servers) ? document.servers : [];
  const first = servers[0] as Json | undefined;
  const url = typeof first?.url === 'string' ? first.url : '';
  // Server variables sit in the host part; replace them so the URL parses.
  const concrete = url.replace(/\{[^}]+\}/g, 'x');
  try {
    return new URL(concrete, 'http://placeholder.invalid').pathname.replace(/\/$/, '');
  } catch {
    return '';
  }
}

function compileParameters(document: Json, list: unknown, pointer: string): SpecParameter[] {
  if (!Array.isArray(list)) return [];
  return list.map((entry, index) => {
    const { node, pointer: at } = follow(document, entry, `${pointer}/${index}`);
    const location = String(node.in) as SpecParameter['in'];
    const style =
      typeof node.style === 'string'
        ? node.style
        : location === 'query' || location === 'cookie'
          ? 'form'
          : 'simple';
    return {
      name: String(node.name),
      in: location,
      required: node.required === true,
      style,
      explode: typeof node.explode === 'boolean' ? node.explode : style === 'form',
      schemaPointer: `${at}/schema`,
    };
  });
}

function compileContent(content: unknown, pointer: string): SpecMediaType[] {
  if (!isObject(content)) return [];
  return Object.entries(content).map(([mediaType, media]) => {
    const m = isObject(media) ? media : {};
    const encoding: Record<string, { contentType?: string }> = {};
    if (isObject(m.encoding)) {
      for (const [name, enc] of Object.entries(m.encoding)) {
        if (isObject(enc))
          encoding[name] =
            typeof enc.contentType === 'string' ? { contentType: enc.contentType } : {};
      }
    }
    return {
      mediaType: mediaType.toLowerCase(),
      schemaPointer:
        m.schema === undefined ? undefined : `${pointer}/${escapePointerSegment(mediaType)}/schema`,
      encoding,
    };
  });
}

function compileResponses(
  document: Json,
  responses: unknown,
  pointer: string,
): Record<string, SpecResponse> {
  const result: Record<string, SpecResponse> = {};
  if (!isObject(responses)) return result;
  for (const [status, entry] of Object.entries(responses)) {
    const { node, pointer: at } = follow(
      document,
      entry,
      `${pointer}/${escapePointerSegment(status)}`,
    );
    const headers: SpecHeader[] = [];
    if (isObject(node.headers)) {
      for (const [name, header] of Object.entries(node.headers)) {
        const resolved = follow(document, header, `${at}/headers/${escapePointerSegment(name)}`);
        headers.push({
          name: name.toLowerCase(),
          required: resolved.node.required === true,
          schemaPointer:
            resolved.node.schema === undefined ? undefined : `${resolved.pointer}/schema`,
        });
      }
    }
    result[status.toUpperCase()] = {
      content: compileContent(node.content, `${at}/content`),
      headers,
    };
  }
  return result;
}

let specCounter = 0;
let ajvInstance: Ajv2020 | undefined;

/** One Ajv for every spec: each is registered under its own `$id`, and the meta-schema is compiled once. */
function sharedAjv(): Ajv2020 {
  if (!ajvInstance) {
    // `strict: false`: OpenAPI schemas carry `example`, `x-*` and other keywords JSON Schema does not define.
    ajvInstance = new Ajv2020({ allErrors: true, strict: false, logger: false });
    addFormatsModule.default(ajvInstance);
  }
  return ajvInstance;
}

export function compileSpec(vendor: string, document: Json): CompiledSpec {
  const ajv = sharedAjv();
  const specId = `urn:order-messaging-sandbox:${vendor}:${++specCounter}`;
  ajv.addSchema({ ...document, $id: specId }, specId);

  const validators = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string): ValidateFunction => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${specId}${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  };

  const securitySchemes: Record<string, SecurityScheme> = {};
  const components = isObject(document.components) ? document.components : {};
  if (isObject(components.securitySchemes)) {
    for (const [name, scheme] of Object.entries(components.securitySchemes)) {
      if (isObject(scheme)) {
        securitySchemes[name] = {
          type: String(scheme.type),
          ...(typeof scheme.scheme === 'string' ? { scheme: scheme.scheme.toLowerCase() } : {}),
          ...(typeof scheme.in === 'string' ? { in: scheme.in } : {}),
          ...(typeof scheme.name === 'string' ? { name: scheme.name } : {}),
        };
      }
    }
  }
  const securityOf = (requirements: unknown): string[][] =>
    Array.isArray(requirements) ? requirements.filter(isObject).map((req) => Object.keys(req)) : [];
  const globalSecurity = securityOf(document.security);

  const operations: SpecOperation[] = [];
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const itemPointer = pointerOf(['paths', template]);
    const shared = compileParameters(document, item.parameters, `${itemPointer}/parameters`);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op) || typeof op.operationId !== 'string') continue;
      const opPointer = `${itemPointer}/${method}`;
      const own = compileParameters(document, op.parameters, `${opPointer}/parameters`);
      const parameters = [
        ...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)),
        ...own,
      ];
      let requestBody: SpecOperation['requestBody'];
      if (op.requestBody !== undefined) {
        const { node, pointer } = follow(document, op.requestBody, `${opPointer}/requestBody`);
        requestBody = {
          required: node.required === true,
          content: compileContent(node.content, `${pointer}/content`),
        };
      }
      const extensions: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(op))
        if (key.startsWith('x-')) extensions[key] = value;
      const matcher = pathMatcher(template);
      operations.push({
        vendor,
        operationId: op.operationId,
        method: method.toUpperCase(),
        pathTemplate: template,
        parameters,
        requestBody,
        responses: compileResponses(document, op.responses, `${opPointer}/responses`),
        security: op.security === undefined ? globalSecurity : securityOf(op.security),
        extensions,
        match: matcher.match,
        specificity: matcher.specificity,
      });
    }
  }
  operations.sort((a, b) => b.specificity - a.specificity);

  const schemaCache = new Map<string, Json>();
  return {
    vendor,
    document,
    serverPath: specServerPath(document),
    operations,
    securitySchemes,
    operation: (operationId) => operations.find((op) => op.operationId === operationId),
    validate(pointer, value) {
      const validate = validatorAt(pointer);
      return validate(value) ? [] : [...(validate.errors ?? [])];
    },
    schemaAt(pointer) {
      let schema = schemaCache.get(pointer);
      if (!schema) {
        schema = follow(document, { $ref: pointer }, pointer).node;
        schemaCache.set(pointer, schema);
      }
      return schema;
    },
  };
}

// ---------------------------------------------------------------------------
// Finding and loading the spec files

/** `dist/specs` of a built package, else the repository's `specs/` when running from source. */
export function defaultSpecsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'specs'), path.resolve(here, '..', '..', '..', 'specs')];
  for (const dir of candidates) {
    if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.yaml'))) return dir;
  }
  throw new Error(`No vendor specs found; looked in ${candidates.join(' and ')}`);
}

const compiled = new Map<string, { mtimeMs: number; spec: CompiledSpec }>();

/** Compiling a spec takes a while; the result is shared by every sandbox in the process. */
export function loadSpec(vendor: string, specsDir: string): CompiledSpec {
  const file = path.join(specsDir, `${vendor}.yaml`);
  if (!existsSync(file)) throw new Error(`Spec for vendor "${vendor}" not found at ${file}`);
  const { mtimeMs } = statSync(file);
  const cached = compiled.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.spec;
  const document = YAML.parse(readFileSync(file, 'utf8')) as Json;
  const spec = compileSpec(vendor, document);
  compiled.set(file, { mtimeMs, spec });
  return spec;
}

// ---------------------------------------------------------------------------
// Deserialization: strings on the wire to the values the schema describes

/** Types a schema admits, looking through `$ref`, `anyOf`, `oneOf` and `allOf`. */
function schemaTypes(spec: CompiledSpec, schema: Json, depth = 0): Set<string> {
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

function resolveLocal(spec: CompiledSpec, schema: Json): Json {
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

function itemsSchema(spec: CompiledSpec, schema: Json): Json {
  const resolved = resolveLocal(spec, schema);
  return isObject(resolved.items) ? resolved.items : {};
}

/** Reads one parameter from the raw request according to its style and explode settings. */
export function readParameter(
  spec: CompiledSpec,
  parameter: SpecParameter,
  raw: {
    path: Record<string, string>;
    query: URLSearchParams;
    headers: Record<string, string | string[] | undefined>;
  },
): unknown {
  const schema = spec.schemaAt(parameter.schemaPointer);
  const isArray = schemaTypes(spec, schema).has('array');
  let values: string[];
  if (parameter.in === 'path') {
    const v = raw.path[parameter.name];
    values = v === undefined ? [] : [v];
  } else if (parameter.in === 'query') {
    values = raw.query.getAll(parameter.name);
    if (values.length === 0 && isArray) values = raw.query.getAll(`${parameter.name}[]`);
  } else if (parameter.in === 'header') {
    const v = raw.headers[parameter.name.toLowerCase()];
    values = v === undefined ? [] : Array.isArray(v) ? v : [v];
  } else {
    values = [];
  }
  if (values.length === 0) return undefined;
  if (isArray) {
    const items = itemsSchema(spec, schema);
    const parts =
      parameter.explode && parameter.in === 'query' ? values : values.flatMap((v) => v.split(','));
    return parts.map((part) => deserializeScalar(spec, items, part));
  }
  return deserializeScalar(spec, schema, values[values.length - 1]!);
}

/**
 * Turns a parsed form (multipart or urlencoded) into the object the body schema describes:
 * repeated parts become arrays, `name[]` parts (PHP convention, or the spec's
 * `x-form-field-name`) fill property `name`, JSON parts are parsed, scalars converted.
 */
export async function formToBody(
  spec: CompiledSpec,
  media: SpecMediaType,
  form: FormData,
): Promise<{ body: Record<string, unknown>; issues: ValidationIssue[] }> {
  const schema = media.schemaPointer ? resolveLocal(spec, spec.schemaAt(media.schemaPointer)) : {};
  const properties = isObject(schema.properties) ? schema.properties : {};
  const body: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  const consumed = new Set<string>();

  const toValue = async (
    entry: FormDataEntryValue,
    name: string,
    propertySchema: Json,
  ): Promise<unknown> => {
    const jsonPart = (media.encoding[name]?.contentType ?? '').includes('json');
    if (typeof entry !== 'string') {
      const bytes = new Uint8Array(await entry.arrayBuffer());
      if (jsonPart) return parseJsonPart(new TextDecoder().decode(bytes), name);
      const file: UploadedFile = {
        filename: entry.name,
        contentType: entry.type || 'application/octet-stream',
        size: bytes.byteLength,
        bytes,
      };
      return file;
    }
    if (jsonPart) return parseJsonPart(entry, name);
    return deserializeScalar(spec, propertySchema, entry);
  };
  const parseJsonPart = (text: string, name: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      issues.push({
        location: 'body',
        field: name,
        rule: 'json',
        message: `part "${name}" is not valid JSON`,
      });
      return text;
    }
  };

  for (const [name, rawSchema] of Object.entries(properties)) {
    const propertySchema = isObject(rawSchema) ? rawSchema : {};
    const wireNames = [
      propertySchema['x-form-field-name'],
      propertySchema['x-multipart-part-name'],
      name,
      `${name}[]`,
    ].filter((n): n is string => typeof n === 'string');
    const entries: FormDataEntryValue[] = [];
    for (const wire of new Set(wireNames)) {
      if (consumed.has(wire)) continue;
      consumed.add(wire);
      entries.push(...form.getAll(wire));
    }
    if (entries.length === 0) continue;
    const jsonPart = (media.encoding[name]?.contentType ?? '').includes('json');
    if (schemaTypes(spec, propertySchema).has('array') && !jsonPart) {
      const items = itemsSchema(spec, propertySchema);
      body[name] = await Promise.all(entries.map((entry) => toValue(entry, name, items)));
    } else {
      // PHP keeps the last of several same-named parts; so does this.
      body[name] = await toValue(entries[entries.length - 1]!, name, propertySchema);
    }
  }
  for (const name of new Set(form.keys())) {
    if (consumed.has(name)) continue;
    const entries = form.getAll(name);
    const values = await Promise.all(entries.map((entry) => toValue(entry, name, {})));
    body[name.replace(/\[\]$/, '')] = name.endsWith('[]') || values.length > 1 ? values : values[0];
  }
  return { body, issues };
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

// ---------------------------------------------------------------------------
// Ajv errors to vendor-neutral issues

function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required' && typeof error.params.missingProperty === 'string')
    parts.push(error.params.missingProperty);
  return parts.join('.');
}

const LIMIT_PARAMS: Record<string, string> = {
  maxLength: 'limit',
  minLength: 'limit',
  maxItems: 'limit',
  minItems: 'limit',
  maximum: 'limit',
  minimum: 'limit',
  exclusiveMaximum: 'limit',
  exclusiveMinimum: 'limit',
  type: 'type',
  enum: 'allowedValues',
  format: 'format',
  pattern: 'pattern',
  const: 'allowedValue',
};

/**
 * One issue per field: the first specific error wins over the `anyOf`/`oneOf`
 * summaries Ajv adds, so vendors can word one message per field as they do.
 */
export function issuesFromAjv(
  errors: readonly ErrorObject[],
  location: ValidationIssue['location'],
  prefix = '',
): ValidationIssue[] {
  const byField = new Map<string, ValidationIssue>();
  const summaries = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'not']);
  for (const error of errors) {
    const field = [prefix, fieldOf(error)].filter(Boolean).join('.');
    const existing = byField.get(field);
    if (existing && !summaries.has(existing.rule)) continue;
    if (existing && summaries.has(error.keyword)) continue;
    const limitKey = LIMIT_PARAMS[error.keyword];
    byField.set(field, {
      location,
      field,
      rule: error.keyword,
      ...(limitKey ? { limit: (error.params as Record<string, unknown>)[limitKey] } : {}),
      message: `${field || location} ${error.message ?? 'is invalid'}`,
    });
  }
  return [...byField.values()];
}
