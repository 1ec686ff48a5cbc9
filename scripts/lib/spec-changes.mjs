// Classifies the changes between two versions of a vendor spec with api-smart-diff, and the
// semver bump they need. Only the path matching is ours: the library pairs paths by their
// template shape alone (`/a/{order}` and `/a/{message}` are the same to it), so a spec with two
// such paths would show phantom operations; here an unchanged path pairs with itself first.
import { apiCompare, openapi3Rules } from 'api-smart-diff';

const shape = (path) => path.replace(/{.*?}/g, '*');

/** Exact keys first, then one unmatched path of the same shape (a renamed path parameter). */
export function pairPaths(before, after) {
  const result = { added: [], removed: [], mapped: {} };
  const unmatched = new Set(Object.keys(after ?? {}));
  const renamedOrRemoved = [];
  for (const key of Object.keys(before ?? {})) {
    if (unmatched.delete(key)) result.mapped[key] = key;
    else renamedOrRemoved.push(key);
  }
  for (const key of renamedOrRemoved) {
    const match = [...unmatched].find((candidate) => shape(candidate) === shape(key));
    if (match === undefined) result.removed.push(key);
    else {
      result.mapped[key] = match;
      unmatched.delete(match);
    }
  }
  result.added.push(...unmatched);
  return result;
}

/** The library's own step, on our pairing: an added or removed path compares against a stub. */
function stubUnpairedPaths(before, after) {
  if (typeof before !== 'object' || typeof after !== 'object' || !before || !after)
    return [before, after];
  const { added, removed } = pairPaths(before, after);
  const withStubs = (doc, keys) =>
    keys.reduce((copy, key) => ({ ...copy, [key]: { [key]: {} } }), { ...doc });
  return [withStubs(before, added), withStubs(after, removed)];
}

function rules() {
  const base = openapi3Rules();
  return {
    ...base,
    '/paths': { ...base['/paths'], mapping: pairPaths, transform: [stubUnpairedPaths] },
  };
}

const isNull = (schema) =>
  schema && typeof schema === 'object' && schema.type === 'null' && Object.keys(schema).length <= 2;

/**
 * OpenAPI 3.1's `oneOf: [X, {type: 'null'}]` as the 3.0 form `allOf: [X], nullable: true`, in
 * both versions alike: the library pairs `oneOf` alternatives by likeness, and once X changes it
 * pairs them crosswise and reports a breaking change that is not there.
 */
export function foldNullableAlternatives(node) {
  if (Array.isArray(node)) return node.map(foldNullableAlternatives);
  if (!node || typeof node !== 'object') return node;
  const copy = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, foldNullableAlternatives(value)]),
  );
  for (const combiner of ['oneOf', 'anyOf']) {
    const alternatives = copy[combiner];
    if (!Array.isArray(alternatives) || alternatives.length !== 2) continue;
    const other = alternatives.find((alternative) => !isNull(alternative));
    if (!alternatives.some(isNull) || !other) continue;
    delete copy[combiner];
    return { ...copy, allOf: [...(copy.allOf ?? []), other], nullable: true };
  }
  return copy;
}

/** Bump levels, weakest first. */
export const LEVELS = ['none', 'patch', 'minor', 'major'];

/** Document-level fields no client is generated from. */
const METADATA = new Set(['info', 'tags', 'externalDocs', 'servers']);

/**
 * `deprecated` counts as non-breaking (a notice); `unclassified` as breaking, since what the
 * library cannot judge is not assumed harmless, except in the document's metadata.
 */
function typeOf(diff) {
  if (diff.type === 'deprecated') return 'non-breaking';
  if (diff.type !== 'unclassified') return diff.type;
  return METADATA.has(String(diff.path[0])) ? 'annotation' : 'breaking';
}

/** `breaking` > `non-breaking` > `annotation` > `none`, with every change listed. */
export function compareSpecs(before, after) {
  const { diffs } = apiCompare(foldNullableAlternatives(before), foldNullableAlternatives(after), {
    rules: rules(),
  });
  const changes = diffs
    // Only what users see: components are reached through the paths that use them.
    .filter((diff) => diff.path[0] !== 'components' || diff.path[1] === 'securitySchemes')
    .map((diff) => ({
      type: typeOf(diff),
      action: diff.action,
      where: diff.path.join('/'),
      description: diff.description || `${diff.action} ${diff.path.join('/')}`,
    }));
  const kind = changes.some((c) => c.type === 'breaking')
    ? 'breaking'
    : changes.some((c) => c.type === 'non-breaking')
      ? 'non-breaking'
      : changes.length > 0
        ? 'annotation'
        : 'none';
  return { kind, changes };
}

/**
 * The bump a change of `kind` needs from a package at `version`. Before 1.0 a caret range
 * (`^0.1.0`) accepts only patches, so a minor bump is what breaks, and additions are patches.
 */
export function requiredBump(kind, version) {
  const pre1 = version.startsWith('0.');
  switch (kind) {
    case 'breaking':
      return pre1 ? 'minor' : 'major';
    case 'non-breaking':
      return pre1 ? 'patch' : 'minor';
    case 'annotation':
      return 'patch';
    default:
      return 'none';
  }
}

export function atLeast(level, required) {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(required);
}
