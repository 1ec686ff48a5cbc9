/** Where a vendor expects its credential. The value never leaves this closure except on the wire. */
export interface AuthPlacement {
  /**
   * `header` sends the credential as the header `name`; `query` as the query parameter `name` on
   * every request (Omnidesk's `apiKey`; recorded URLs redact it).
   */
  readonly in: 'header' | 'query';
  /** Header or query parameter name, e.g. `Authorization`. */
  readonly name: string;
  /** The value sent as is, e.g. `Bearer <token>`. */
  readonly value: string;
  /** The bare credential inside `value` (the token of `Bearer <token>`): what must not be empty. */
  readonly secret?: string;
  /** The client option it came from (`token`, `auth.apiKey`), named when it is unusable. */
  readonly option?: string;
}

/**
 * `Authorization: Bearer <token>`. `option` names the client option in the `ConfigurationError`
 * that `createVendorClient` throws when the token is missing or blank (default `token`).
 */
export function bearer(token: string, option = 'token'): AuthPlacement {
  return { in: 'header', name: 'Authorization', value: `Bearer ${token}`, secret: token, option };
}
