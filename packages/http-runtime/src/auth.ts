/** Where a vendor expects its credential. The value never leaves this closure except on the wire. */
export interface AuthPlacement {
  readonly in: 'header' | 'query';
  readonly name: string;
  readonly value: string;
  /** The bare credential inside `value` (the token of `Bearer <token>`): what must not be empty. */
  readonly secret?: string;
  /** The client option it came from (`token`, `auth.apiKey`), named when it is unusable. */
  readonly option?: string;
}

export function bearer(token: string, option = 'token'): AuthPlacement {
  return { in: 'header', name: 'Authorization', value: `Bearer ${token}`, secret: token, option };
}
