/**
 * A parsed form (multipart or urlencoded) to the object the body schema describes.
 * Parsing the bytes is multipart.ts's job; this maps the parts onto the schema.
 */
import type { UploadedFile, ValidationIssue } from '../types.js';
import { deserializeScalar, itemsSchema, resolveLocal, schemaTypes } from './deserialize.js';
import { isObject, type CompiledSpec, type Json, type SpecMediaType } from './model.js';

interface FormReading {
  readonly spec: CompiledSpec;
  readonly media: SpecMediaType;
  readonly issues: ValidationIssue[];
}

function isJsonPart(media: SpecMediaType, name: string): boolean {
  return (media.encoding[name]?.contentType ?? '').includes('json');
}

function parseJsonPart(reading: FormReading, text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    reading.issues.push({
      location: 'body',
      field: name,
      rule: 'json',
      message: `part "${name}" is not valid JSON`,
    });
    return text;
  }
}

async function partValue(
  reading: FormReading,
  entry: FormDataEntryValue,
  name: string,
  propertySchema: Json,
): Promise<unknown> {
  const jsonPart = isJsonPart(reading.media, name);
  if (typeof entry !== 'string') {
    const bytes = new Uint8Array(await entry.arrayBuffer());
    if (jsonPart) return parseJsonPart(reading, new TextDecoder().decode(bytes), name);
    const file: UploadedFile = {
      filename: entry.name,
      contentType: entry.type || 'application/octet-stream',
      size: bytes.byteLength,
      bytes,
    };
    return file;
  }
  if (jsonPart) return parseJsonPart(reading, entry, name);
  return deserializeScalar(reading.spec, propertySchema, entry);
}

/** The part names a property may arrive under: the spec's own, the plain name, PHP's `name[]`. */
function wireNamesOf(name: string, propertySchema: Json): Set<string> {
  const names = [
    propertySchema['x-form-field-name'],
    propertySchema['x-multipart-part-name'],
    name,
    `${name}[]`,
  ].filter((n): n is string => typeof n === 'string');
  return new Set(names);
}

async function propertyValue(
  reading: FormReading,
  entries: FormDataEntryValue[],
  name: string,
  propertySchema: Json,
): Promise<unknown> {
  if (schemaTypes(reading.spec, propertySchema).has('array') && !isJsonPart(reading.media, name)) {
    const items = itemsSchema(reading.spec, propertySchema);
    return Promise.all(entries.map((entry) => partValue(reading, entry, name, items)));
  }
  // PHP keeps the last of several same-named parts; so does this.
  return partValue(reading, entries[entries.length - 1]!, name, propertySchema);
}

/**
 * Repeated parts become arrays, `name[]` parts (PHP convention, or the spec's
 * `x-form-field-name`) fill property `name`, JSON parts are parsed, scalars converted.
 */
export async function formToBody(
  spec: CompiledSpec,
  media: SpecMediaType,
  form: FormData,
): Promise<{ body: Record<string, unknown>; issues: ValidationIssue[] }> {
  const reading: FormReading = { spec, media, issues: [] };
  const schema = media.schemaPointer ? resolveLocal(spec, spec.schemaAt(media.schemaPointer)) : {};
  const properties = isObject(schema.properties) ? schema.properties : {};
  const body: Record<string, unknown> = {};
  const consumed = new Set<string>();

  for (const [name, rawSchema] of Object.entries(properties)) {
    const propertySchema = isObject(rawSchema) ? rawSchema : {};
    const entries: FormDataEntryValue[] = [];
    for (const wire of wireNamesOf(name, propertySchema)) {
      if (consumed.has(wire)) continue;
      consumed.add(wire);
      entries.push(...form.getAll(wire));
    }
    if (entries.length > 0)
      body[name] = await propertyValue(reading, entries, name, propertySchema);
  }
  for (const name of new Set(form.keys())) {
    if (consumed.has(name)) continue;
    const entries = form.getAll(name);
    const values = await Promise.all(entries.map((entry) => partValue(reading, entry, name, {})));
    body[name.replace(/\[\]$/, '')] = name.endsWith('[]') || values.length > 1 ? values : values[0];
  }
  return { body, issues: reading.issues };
}
