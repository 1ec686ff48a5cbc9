/**
 * The chunks of a body read piece by piece, joined into one new array whose buffer is exactly
 * its bytes (never a view into a chunk's larger, possibly pooled buffer).
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
