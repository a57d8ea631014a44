/** What a shared token cache is: the shape `tokenCache` (and the Redis cache) implement. */

/** A token and the time it stops being usable. */
export interface CachedToken {
  accessToken: string;
  /** Epoch milliseconds at which the token expires. */
  expiresAt: number;
  /** Epoch milliseconds at which it was issued: the refresh skew is capped at half the lifetime. */
  issuedAt?: number;
}

/**
 * Where tokens are kept between processes (Redis, a database…). The SDK keeps its own copy in
 * memory too; a cache that fails, or hands back a token that is unusable or was just refused, is
 * logged and bypassed, never fatal. (A cache call that never settles is not timed out: a caller's
 * abort still ends the call that waits on it.)
 */
export interface TokenCache {
  get(key: string): Promise<CachedToken | undefined> | CachedToken | undefined;
  /** Store for `ttlMs` milliseconds. */
  set(key: string, token: CachedToken, ttlMs: number): Promise<void> | void;
  /**
   * Forget the token after the API refused it. With `accessToken`, forget it only if it is still
   * that token: another process may already have stored a fresh one.
   */
  delete?(key: string, accessToken?: string): Promise<void> | void;
  /**
   * A lock across processes, so that one of them asks for a token and the others wait for it.
   * Resolves to a function that releases the lock when this process holds it (for at most
   * `ttlMs`), or `undefined` when another process does.
   */
  lock?(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}
