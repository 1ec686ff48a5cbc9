/**
 * Multipart encoding for vendor request bodies.
 *
 * Written here rather than through `FormData` because `FormData` gives every
 * Blob part a `filename`: a JSON part such as Mirakl's `message_input` must go
 * out as a plain `application/json` field, and booleans must be encoded the way
 * the PHP/Laravel servers behind these APIs read them.
 */

export interface MultipartEncoding {
  /** Body properties sent as one `application/json` part each. */
  readonly jsonParts: readonly string[];
  /**
   * Wire names that differ from the body's property names: PHP servers keep
   * only the last of several parts sharing a plain name, so SPP wants `attachments[]`.
   */
  readonly partNames?: Readonly<Record<string, string>>;
}

export interface EncodedMultipart {
  /** A string when no part is a file: cheaper for fetch to send than a Blob. */
  readonly body: Blob | string;
  readonly contentType: string;
}

const CRLF = '\r\n';

/** Quotes and line breaks cannot appear raw inside a Content-Disposition parameter. */
function escapeDispositionValue(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

function fileName(blob: Blob, fallback: string): string {
  const name = (blob as Partial<File>).name;
  return typeof name === 'string' && name.length > 0 ? name : fallback;
}

/** Laravel's `boolean` rule accepts "1"/"0" but rejects the strings "true"/"false". */
function fieldText(value: string | number | boolean | bigint): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

export function hasBlob(value: unknown): boolean {
  if (isBlob(value)) return true;
  if (Array.isArray(value)) return value.some(isBlob);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasBlob);
  return false;
}

export function encodeMultipart(
  body: Record<string, unknown>,
  encoding: MultipartEncoding,
  boundary = `----order-messaging-${crypto.randomUUID()}`,
): EncodedMultipart {
  const chunks: BlobPart[] = [];
  const opening = `--${boundary}${CRLF}`;

  const addField = (name: string, text: string, contentType?: string) => {
    chunks.push(
      opening,
      `Content-Disposition: form-data; name="${escapeDispositionValue(name)}"${CRLF}`,
      contentType ? `Content-Type: ${contentType}${CRLF}` : '',
      CRLF,
      text,
      CRLF,
    );
  };
  const addFile = (name: string, blob: Blob) => {
    chunks.push(
      opening,
      `Content-Disposition: form-data; name="${escapeDispositionValue(name)}"; filename="${escapeDispositionValue(fileName(blob, name))}"${CRLF}`,
      `Content-Type: ${blob.type || 'application/octet-stream'}${CRLF}`,
      CRLF,
      blob,
      CRLF,
    );
  };
  const addValue = (name: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (isBlob(value)) return addFile(name, value);
    if (typeof value === 'object') {
      return addField(name, JSON.stringify(value), 'application/json');
    }
    if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      typeof value === 'bigint'
    ) {
      return addField(name, fieldText(value));
    }
    throw new TypeError(`Cannot encode multipart field "${name}" of type ${typeof value}`);
  };

  for (const [property, value] of Object.entries(body)) {
    const name = encoding.partNames?.[property] ?? property;
    const jsonPart = encoding.jsonParts.includes(property);
    if (Array.isArray(value) && !jsonPart) {
      for (const item of value) addValue(name, item);
    } else if (jsonPart && value !== undefined && value !== null) {
      addField(name, JSON.stringify(value), 'application/json');
    } else {
      addValue(name, value);
    }
  }
  chunks.push(`--${boundary}--${CRLF}`);
  const textOnly = chunks.every((chunk) => typeof chunk === 'string');
  return {
    body: textOnly ? (chunks as string[]).join('') : new Blob(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
