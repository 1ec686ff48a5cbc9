/**
 * The vendor specs as the sandbox uses them. This folder only does what OpenAPI
 * leaves to the server: locating schemas, deserializing path/query/header/form
 * strings (style, explode, encoding) before Ajv validates them, and turning Ajv's
 * errors into issues vendors can word.
 */
export { compileSpec } from './compile.js';
export { deserializeScalar, readParameter, validationView } from './deserialize.js';
export { formToBody } from './form-body.js';
export { issuesFromAjv } from './issues.js';
export { defaultSpecsDir, loadSpec } from './load.js';
export { findMedia, isJsonMedia, mediaTypeOf } from './media-type.js';
export type {
  CompiledSpec,
  SecurityScheme,
  SpecHeader,
  SpecMediaType,
  SpecOperation,
  SpecParameter,
  SpecResponse,
} from './model.js';
export { responseProblems } from './response-validation.js';
