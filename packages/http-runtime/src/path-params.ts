import { defaultPathSerializer } from 'openapi-fetch';

/** A path parameter that would move the request off its route or leave a `{placeholder}` in it. */
export class PathParameterError extends TypeError {
  /** Always `'PathParameterError'`. */
  override readonly name = 'PathParameterError';
  constructor(
    /** The name of the path parameter at fault. */
    readonly parameter: string,
    reason: string,
  ) {
    super(`path parameter "${parameter}" ${reason}`);
  }
}

const PATH_PARAM = /\{([^{}]+)\}/g;

/** Path templates come from a spec's few paths: their parameter names are parsed once each. */
const namesByTemplate = new Map<string, readonly string[]>();

/** The parameter names of a path template, without label/matrix prefixes or explode marks. */
function parameterNames(pathname: string): readonly string[] {
  let names = namesByTemplate.get(pathname);
  if (names === undefined) {
    names = [...pathname.matchAll(PATH_PARAM)].map((match) =>
      match[1]!.replace(/^[.;]/, '').replace(/\*$/, ''),
    );
    // A caller building paths at run time cannot grow this without bound.
    if (namesByTemplate.size < 1_000) namesByTemplate.set(pathname, names);
  }
  return names;
}

/**
 * openapi-fetch percent-encodes path values, which stops `/`, `?` and `#`, but
 * `.` and `..` survive encoding and URL parsing then collapses them
 * (`/orders/../messages` becomes `/messages`). Missing or empty values would leave
 * `{id}` or `//` in the path. All of those are refused before any request exists.
 */
export function safePathSerializer(
  pathname: string,
  pathParams: Record<string, unknown> | undefined,
): string {
  for (const name of parameterNames(pathname)) {
    const value = pathParams?.[name];
    if (value === undefined || value === null) throw new PathParameterError(name, 'is required');
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
      const text = String(value);
      if (text.trim() === '') throw new PathParameterError(name, 'must not be empty');
      if (text === '.' || text === '..')
        throw new PathParameterError(name, `must not be "${text}"`);
    }
  }
  return defaultPathSerializer(pathname, (pathParams ?? {}) as Record<string, unknown>);
}
