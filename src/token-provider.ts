/**
 * OAuth2 client-credentials tokens: requested through the spec's `POST /connect/token`, cached,
 * shared by concurrent callers, refreshed ahead of expiry, optionally shared across processes.
 */
import { abortable } from "./abort.js";
import createClient from "openapi-fetch";
import type { paths } from "./generated/schema.js";
import {
  AuthenticationError,
  isAuthenticationError,
  isInvalidResponseError,
} from "./errors/index.js";
import { createLog, type Logger } from "./logger.js";
import { registerSecret } from "./redact.js";
import { createTransport, type FetchLike } from "./transport.js";

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

export interface TokenProviderOptions {
  /** Full URL of the token endpoint; it must end with `/connect/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** @default "PyPay_api" */
  scope?: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** Timeout of a token request. @default 30000 */
  timeoutMs?: number;
  /** Shared cache; the provider keeps an in-memory copy either way. @default undefined */
  cache?: TokenCache;
  /** Refresh this long before `expires_in` runs out (at most half the lifetime). @default 60 */
  refreshSkewSeconds?: number;
  /** After a failed token request, fail fast for this long instead of asking again. @default 1000 */
  failureCooldownMs?: number;
  /**
   * With a cache that can `lock`: how long a process waits for the token another process is
   * requesting before it asks for its own. @default 10000
   */
  lockWaitMs?: number;
  /** @default undefined (silent) */
  logger?: Logger;
}

export interface TokenProvider {
  /**
   * A valid access token: cached, or requested once for every concurrent caller. A `signal`
   * stops this caller's wait (rejecting with its reason) without cancelling the shared request.
   */
  getToken(options?: { signal?: AbortSignal }): Promise<string>;
  /**
   * Forget the token (the API refused it). Pass the refused token so that a token another caller
   * already refreshed is kept.
   */
  invalidate(token?: string): Promise<void>;
}

const TOKEN_PATH = "/connect/token";

/** What an Authorization header can carry after `Bearer `: visible ASCII, no spaces or controls. */
const HEADER_SAFE = /^[\x21-\x7E]+$/;

/** Splits a token URL into the base URL openapi-fetch appends `/connect/token` to. */
export function tokenBaseUrl(tokenUrl: string): string | undefined {
  const url = tokenUrl.replace(/\/+$/, "");
  return url.endsWith(TOKEN_PATH) ? url.slice(0, -TOKEN_PATH.length) : undefined;
}

export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const baseUrl = tokenBaseUrl(options.tokenUrl);
  if (baseUrl === undefined) {
    throw new RangeError(
      `almara-pay: tokenUrl must end with ${TOKEN_PATH}, got ${options.tokenUrl}`,
    );
  }
  registerSecret(options.clientSecret);
  const scope = options.scope ?? "PyPay_api";
  const skewMs = (options.refreshSkewSeconds ?? 60) * 1000;
  const cooldownMs = options.failureCooldownMs ?? 1000;
  const log = createLog(options.logger);
  const cache = options.cache;
  const cacheKey = `almara-pay:token:${options.tokenUrl}:${options.clientId}:${scope}`;
  const lockWaitMs = options.lockWaitMs ?? 10_000;
  const client = createClient<paths>({
    baseUrl,
    fetch: createTransport({
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 30_000,
    }),
  });

  let current: (CachedToken & { refreshAt: number }) | undefined;
  let inflight: Promise<string> | undefined;
  let failure: { error: AuthenticationError; until: number } | undefined;

  /** The token the API last refused: a cache that still hands it out is not believed. */
  let refused: string | undefined;

  function remember(token: CachedToken, lifetimeMs: number): string {
    registerSecret(token.accessToken);
    if (!HEADER_SAFE.test(token.accessToken)) {
      // Never quoted: the message must not carry the token it refuses.
      throw new AuthenticationError(
        `The token from ${options.tokenUrl} cannot be sent in an Authorization header (it holds characters a header cannot carry)`,
      );
    }
    current = { ...token, refreshAt: token.expiresAt - Math.min(skewMs, lifetimeMs / 2) };
    return token.accessToken;
  }

  async function fromCache(): Promise<string | undefined> {
    if (!cache) return undefined;
    try {
      const cached = await cache.get(cacheKey);
      if (!cached) return undefined;
      if (
        typeof cached.accessToken !== "string" ||
        typeof cached.expiresAt !== "number" ||
        !HEADER_SAFE.test(cached.accessToken) ||
        cached.accessToken === refused
      ) {
        log("warn", "token cache returned an unusable token; requesting a token");
        return undefined;
      }
      if (cached.expiresAt <= Date.now()) return undefined;
      const token = remember(cached, cached.expiresAt - (cached.issuedAt ?? Date.now()));
      if (Date.now() >= current!.refreshAt) return undefined;
      log("debug", "token taken from the shared cache");
      return token;
    } catch (error) {
      log("warn", "token cache read failed; requesting a token", { error: String(error) });
      return undefined;
    }
  }

  async function request(): Promise<string> {
    log("debug", "requesting a token", { tokenUrl: options.tokenUrl });
    let result;
    try {
      result = await client.POST(TOKEN_PATH, {
        body: {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          grant_type: "client_credentials",
          scope,
        },
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
      });
    } catch (error) {
      const why =
        error instanceof SyntaxError || isInvalidResponseError(error)
          ? "answered malformed JSON"
          : "could not be reached";
      throw new AuthenticationError(
        `Token request to ${options.tokenUrl} failed: the endpoint ${why}`,
        {},
        {
          cause: error,
        },
      );
    }
    const { data, error, response } = result;
    if (error !== undefined || !response.ok) {
      const body = (error ?? {}) as { error?: unknown; error_description?: unknown };
      const code = typeof body.error === "string" ? body.error : undefined;
      const description =
        typeof body.error_description === "string" ? `: ${body.error_description}` : "";
      const what = code ? `${code}${description}` : `HTTP ${response.status}`;
      throw new AuthenticationError(`Token request to ${options.tokenUrl} was refused (${what})`, {
        oauthError: code,
        status: response.status,
      });
    }
    const accessToken = (data as { access_token?: unknown } | undefined)?.access_token;
    const expiresIn = (data as { expires_in?: unknown } | undefined)?.expires_in;
    if (
      typeof accessToken !== "string" ||
      accessToken === "" ||
      typeof expiresIn !== "number" ||
      !(expiresIn > 0)
    ) {
      throw new AuthenticationError(
        `Token request to ${options.tokenUrl} returned no usable token (access_token and a positive expires_in are required)`,
        { status: response.status },
      );
    }
    const lifetimeMs = expiresIn * 1000;
    const issuedAt = Date.now();
    const token: CachedToken = { accessToken, expiresAt: issuedAt + lifetimeMs, issuedAt };
    remember(token, lifetimeMs);
    log("info", "token obtained", { expiresInSeconds: expiresIn });
    if (cache) {
      try {
        await cache.set(cacheKey, token, lifetimeMs);
      } catch (cacheError) {
        log("warn", "token cache write failed; keeping the token in memory", {
          error: String(cacheError),
        });
      }
    }
    return accessToken;
  }

  /**
   * With a lockable cache, one process requests the token and the others wait for it to appear
   * in the cache. A cache that fails is bypassed: this process then asks for its own token.
   */
  async function requestOnce(): Promise<string> {
    if (!cache?.lock) return request();
    const deadline = Date.now() + lockWaitMs;
    for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
      let release: (() => Promise<void>) | undefined;
      try {
        release = await cache.lock(`${cacheKey}:refresh`, lockWaitMs);
      } catch (error) {
        log("warn", "token cache lock failed; requesting a token", { error: String(error) });
        return request();
      }
      if (release) {
        try {
          // Another process may have stored a token between our read and the lock.
          return (await fromCache()) ?? (await request());
        } finally {
          await release().catch((error: unknown) =>
            log("warn", "token cache unlock failed", { error: String(error) }),
          );
        }
      }
      if (Date.now() >= deadline) {
        log("warn", "no token from the process holding the refresh lock; requesting one");
        return request();
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      const shared = await fromCache();
      if (shared) return shared;
    }
  }

  async function obtain(): Promise<string> {
    try {
      return (await fromCache()) ?? (await requestOnce());
    } catch (error) {
      const authError = isAuthenticationError(error)
        ? (error as AuthenticationError)
        : new AuthenticationError(
            `Token request to ${options.tokenUrl} failed`,
            {},
            { cause: error },
          );
      failure = { error: authError, until: Date.now() + cooldownMs };
      log("error", authError.message, { oauthError: authError.oauthError });
      throw authError;
    }
  }

  return {
    async getToken(options) {
      if (current && Date.now() < current.refreshAt) return current.accessToken;
      const signal = options?.signal;
      if (signal?.aborted) throw signal.reason;
      if (!inflight) {
        if (failure && Date.now() < failure.until) throw failure.error;
        inflight = obtain().finally(() => {
          inflight = undefined;
        });
      }
      return signal ? abortable(inflight, signal) : inflight;
    },
    async invalidate(token) {
      if (token !== undefined) refused = token;
      if (token !== undefined && current?.accessToken !== token) return;
      const stale = current?.accessToken;
      current = undefined;
      failure = undefined;
      if (cache?.delete) {
        try {
          await cache.delete(cacheKey, stale);
        } catch (error) {
          log("warn", "token cache delete failed", { error: String(error) });
        }
      }
    },
  };
}
