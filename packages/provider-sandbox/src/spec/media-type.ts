/** Matching a `Content-Type` against the media types a spec lists, wildcards included. */
import type { SpecMediaType } from './model.js';

/** The lower-case `type/subtype` of a `Content-Type`, parameters dropped. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  return essence ? essence : undefined;
}

export function findMedia(
  content: readonly SpecMediaType[],
  mediaType: string,
): SpecMediaType | undefined {
  return (
    content.find((m) => m.mediaType === mediaType) ??
    content.find(
      (m) => m.mediaType.endsWith('/*') && mediaType.startsWith(m.mediaType.slice(0, -1)),
    ) ??
    content.find((m) => m.mediaType === '*/*')
  );
}

export function isJsonMedia(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}
