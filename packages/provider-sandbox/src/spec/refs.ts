/** JSON pointers into a spec document, and following its local `$ref`s. */
import { isObject, type Json } from './model.js';

export function escapePointerSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

export function pointerOf(segments: readonly string[]): string {
  return `#/${segments.map(escapePointerSegment).join('/')}`;
}

function segmentsOf(pointer: string): string[] {
  return pointer
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Follows OpenAPI `$ref`s between components; returns the target and its pointer. */
export function follow(
  document: Json,
  node: unknown,
  pointer: string,
): { node: Json; pointer: string } {
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
