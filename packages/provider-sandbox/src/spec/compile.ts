/**
 * Turns a spec document into a `CompiledSpec`: route matchers, parameters, bodies,
 * responses and security per operation, and Ajv validators per schema pointer.
 *
 * Every schema is validated by Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 * The whole document is registered with Ajv under its own `$id`, and each schema the
 * sandbox needs is compiled as a `$ref` to its JSON pointer inside that document, so
 * `#/components/...` references resolve exactly as the spec writes them.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {
  isObject,
  type CompiledSpec,
  type Json,
  type SecurityScheme,
  type SpecHeader,
  type SpecMediaType,
  type SpecOperation,
  type SpecParameter,
  type SpecResponse,
} from './model.js';
import { escapePointerSegment, follow, pointerOf } from './refs.js';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

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

function compileResponseHeaders(document: Json, headers: unknown, pointer: string): SpecHeader[] {
  if (!isObject(headers)) return [];
  return Object.entries(headers).map(([name, header]) => {
    const resolved = follow(document, header, `${pointer}/${escapePointerSegment(name)}`);
    return {
      name: name.toLowerCase(),
      required: resolved.node.required === true,
      schemaPointer: resolved.node.schema === undefined ? undefined : `${resolved.pointer}/schema`,
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
    result[status.toUpperCase()] = {
      content: compileContent(node.content, `${at}/content`),
      headers: compileResponseHeaders(document, node.headers, `${at}/headers`),
    };
  }
  return result;
}

function compileSecuritySchemes(document: Json): Record<string, SecurityScheme> {
  const securitySchemes: Record<string, SecurityScheme> = {};
  const components = isObject(document.components) ? document.components : {};
  if (!isObject(components.securitySchemes)) return securitySchemes;
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
  return securitySchemes;
}

function securityAlternatives(requirements: unknown): string[][] {
  return Array.isArray(requirements)
    ? requirements.filter(isObject).map((req) => Object.keys(req))
    : [];
}

function extensionsOf(operation: Json): Record<string, unknown> {
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(operation))
    if (key.startsWith('x-')) extensions[key] = value;
  return extensions;
}

function compileRequestBody(
  document: Json,
  requestBody: unknown,
  pointer: string,
): SpecOperation['requestBody'] {
  if (requestBody === undefined) return undefined;
  const { node, pointer: at } = follow(document, requestBody, pointer);
  return {
    required: node.required === true,
    content: compileContent(node.content, `${at}/content`),
  };
}

interface OperationSite {
  readonly vendor: string;
  readonly document: Json;
  readonly template: string;
  readonly method: (typeof HTTP_METHODS)[number];
  /** Path-level parameters; the operation's own win over them by name and location. */
  readonly shared: readonly SpecParameter[];
  readonly globalSecurity: string[][];
}

function compileOperation(site: OperationSite, op: Json, operationId: string): SpecOperation {
  const { vendor, document, template, method } = site;
  const opPointer = `${pointerOf(['paths', template])}/${method}`;
  const own = compileParameters(document, op.parameters, `${opPointer}/parameters`);
  const matcher = pathMatcher(template);
  return {
    vendor,
    operationId,
    method: method.toUpperCase(),
    pathTemplate: template,
    parameters: [
      ...site.shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)),
      ...own,
    ],
    requestBody: compileRequestBody(document, op.requestBody, `${opPointer}/requestBody`),
    responses: compileResponses(document, op.responses, `${opPointer}/responses`),
    security: op.security === undefined ? site.globalSecurity : securityAlternatives(op.security),
    extensions: extensionsOf(op),
    match: matcher.match,
    specificity: matcher.specificity,
  };
}

/** Every operation with an `operationId`, most specific path first. */
function compileOperations(vendor: string, document: Json): SpecOperation[] {
  const operations: SpecOperation[] = [];
  const globalSecurity = securityAlternatives(document.security);
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const itemPointer = pointerOf(['paths', template]);
    const shared = compileParameters(document, item.parameters, `${itemPointer}/parameters`);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op) || typeof op.operationId !== 'string') continue;
      const site = { vendor, document, template, method, shared, globalSecurity };
      operations.push(compileOperation(site, op, op.operationId));
    }
  }
  return operations.sort((a, b) => b.specificity - a.specificity);
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

/** Validators are compiled on first use: most schemas of a spec are never needed by a test run. */
function validatorsOf(vendor: string, document: Json): (pointer: string) => ValidateFunction {
  const ajv = sharedAjv();
  const specId = `urn:order-messaging-sandbox:${vendor}:${++specCounter}`;
  ajv.addSchema({ ...document, $id: specId }, specId);
  const validators = new Map<string, ValidateFunction>();
  return (pointer) => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${specId}${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  };
}

/** A `$ref` object replaced by what it points to; anything else as it is. */
function deref(document: Json, node: unknown): unknown {
  return isObject(node) && typeof node.$ref === 'string' ? follow(document, node, '').node : node;
}

function valueAt(document: Json, path: readonly (string | number)[], where: string): unknown {
  let node: unknown = document;
  for (const [index, key] of path.entries()) {
    const container = deref(document, node);
    node =
      isObject(container) || Array.isArray(container)
        ? (container as Record<string, unknown>)[key]
        : undefined;
    if (node === undefined) {
      throw new Error(`${where} has nothing at ${path.slice(0, index + 1).join(' → ')}`);
    }
  }
  return deref(document, node);
}

function limitOf(operation: SpecOperation | undefined, key: string, where: string): number {
  const limits = operation?.extensions['x-limits'];
  const value = isObject(limits) ? limits[key] : undefined;
  if (typeof value !== 'number') {
    throw new Error(`${where} states no x-limits.${key} on ${operation?.operationId ?? '?'}`);
  }
  return value;
}

export function compileSpec(vendor: string, document: Json): CompiledSpec {
  const validatorAt = validatorsOf(vendor, document);
  const securitySchemes = compileSecuritySchemes(document);
  const operations = compileOperations(vendor, document);
  const schemaCache = new Map<string, Json>();
  const where = `The ${vendor} spec`;
  const operation = (operationId: string) =>
    operations.find((op) => op.operationId === operationId);
  const requireOperation = (operationId: string) => {
    const found = operation(operationId);
    if (!found) throw new Error(`${where} has no operation "${operationId}"`);
    return found;
  };
  return {
    vendor,
    document,
    serverPath: specServerPath(document),
    operations,
    securitySchemes,
    operation,
    limit: (operationId, key) => limitOf(requireOperation(operationId), key, where),
    at: (...path) => valueAt(document, path, where),
    operationAt(operationId, ...path) {
      const op = requireOperation(operationId);
      return valueAt(document, ['paths', op.pathTemplate, op.method.toLowerCase(), ...path], where);
    },
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
