/**
 * A vendor spec as the sandbox uses it: operations with their parameters, bodies,
 * responses and security, each schema kept as a JSON pointer into the document so
 * Ajv resolves `$ref`s exactly as the spec writes them.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { VendorSpec } from '../types.js';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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

/** Also a `VendorSpec`: what vendor modules read their limits and examples from. */
export interface CompiledSpec extends VendorSpec {
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
