/**
 * Glue between raw request bytes and the WHATWG form parser built into Node (undici):
 * `multipart/form-data` and `application/x-www-form-urlencoded` bodies are parsed by
 * `Request.formData()`, never by hand. Mapping the parts onto the spec's schema is
 * `formToBody` in spec/form-body.ts.
 */

export function isFormMediaType(mediaType: string): boolean {
  return mediaType === 'multipart/form-data' || mediaType === 'application/x-www-form-urlencoded';
}

/** Parses a form body; rejects (a TypeError from undici) when the body does not match its boundary/encoding. */
export async function parseForm(bytes: Uint8Array, contentType: string): Promise<FormData> {
  const request = new Request('http://sandbox.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    // Request bodies are typed as ArrayBuffer-backed; the bytes come from node:http Buffers.
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  return request.formData();
}
