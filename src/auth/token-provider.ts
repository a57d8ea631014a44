/**
 * OAuth2 client-credentials tokens: requested through the spec's `POST /connect/token`, cached,
 * shared by concurrent callers, refreshed ahead of expiry, optionally shared across processes.
 */
import { abortable, withinTime } from "../pipeline/abort.js";
import createClient from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import {
  AuthenticationError,
  isAuthenticationError,
  isInvalidResponseError,
} from "../errors/index.js";
import { createLog, errorText, type Logger } from "../secrets/logger.js";
import {
  checkLogger,
  checkMs,
  checkTokenCache,
  checkWellFormed,
  fail,
  refuseBrowser,
} from "../client/option-checks.js";
import { Redactor } from "../secrets/redact.js";
import type { CachedToken, TokenCache } from "./token-cache.js";
import { createTransport, type FetchLike } from "../pipeline/transport.js";

export type { CachedToken, TokenCache } from "./token-cache.js";

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
  /**
   * Allow a provider where `window` and `document` exist: it holds the client secret, which a page
   * hands to every visitor. @default false
   */
  dangerouslyAllowBrowser?: boolean;
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

/** A token that outlives this is a misconfigured or hostile endpoint (and overflows timers). */
const MAX_EXPIRES_IN_SECONDS = 366 * 24 * 60 * 60;

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/**
 * The token and its lifetime from a 2xx token answer, or an `AuthenticationError` that never
 * quotes the token: a non-empty `access_token`, `token_type` Bearer (in any casing), and an
 * `expires_in` that is a finite number of seconds, positive and at most a year.
 */
function checkTokenAnswer(
  data: unknown,
  tokenUrl: string,
  status: number,
): { accessToken: string; expiresIn: number } {
  const answer = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const refuse = (why: string) =>
    new AuthenticationError(`Token request to ${tokenUrl} returned no usable token (${why})`, {
      status,
    });
  const accessToken = answer.access_token;
  const expiresIn = answer.expires_in;
  const tokenType = answer.token_type;
  if (typeof accessToken !== "string" || accessToken === "") throw refuse("no access_token");
  if (typeof tokenType !== "string" || tokenType.toLowerCase() !== "bearer") {
    // Never quoted: an endpoint could echo anything there.
    throw refuse(
      typeof tokenType === "string" ? "token_type is not Bearer" : "token_type Bearer is missing",
    );
  }
  if (
    typeof expiresIn !== "number" ||
    !Number.isFinite(expiresIn) ||
    !(expiresIn >= 1) ||
    expiresIn > MAX_EXPIRES_IN_SECONDS
  ) {
    throw refuse(
      `expires_in must be a number of seconds from 1 to ${MAX_EXPIRES_IN_SECONDS}, got ${typeof expiresIn === "number" ? String(expiresIn) : typeof expiresIn}`,
    );
  }
  return { accessToken, expiresIn };
}

/**
 * The shared cache's key for one set of credentials: `almara-pay:token:` and the hex SHA-256 (Web
 * Crypto) of the token URL, client id, client secret and scope, encoded so that no two sets
 * collide. A client with another secret (a revoked one, a typo) never reads this one's token, and
 * the key reveals none of the parts.
 */
export async function tokenCacheKey(
  tokenUrl: string,
  clientId: string,
  clientSecret: string,
  scope: string,
): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error("a shared token cache needs Web Crypto (globalThis.crypto.subtle)");
  }
  const input = JSON.stringify([
    "almara-pay token cache v1",
    tokenUrl,
    clientId,
    clientSecret,
    scope,
  ]);
  const digest = await subtle.digest("SHA-256", new TextEncoder().encode(input));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0"));
  return `almara-pay:token:${hex.join("")}`;
}

/** Splits a token URL into the base URL openapi-fetch appends `/connect/token` to. */
export function tokenBaseUrl(tokenUrl: string): string | undefined {
  const url = tokenUrl.replace(/\/+$/, "");
  return url.endsWith(TOKEN_PATH) ? url.slice(0, -TOKEN_PATH.length) : undefined;
}

/** Each provider's token when it is fresh, read without a wait (the auth middleware's fast path). */
const peeks = new WeakMap<TokenProvider, () => string | undefined>();

/** The provider's token when it holds a fresh one (undefined for a provider made elsewhere). */
export function freshToken(provider: TokenProvider): string | undefined {
  return peeks.get(provider)?.();
}

export function createTokenProvider(input: TokenProviderOptions): TokenProvider {
  if (typeof input !== "object" || input === null) {
    throw new TypeError("almara-pay: createTokenProvider needs an options object");
  }
  // Read once: a getter or a later change cannot send a secret the redactor never saw.
  const options: Readonly<TokenProviderOptions> = Object.freeze({ ...input });
  if (typeof options.tokenUrl !== "string") fail("tokenUrl", "is required (a string)");
  const baseUrl = tokenBaseUrl(options.tokenUrl);
  if (baseUrl === undefined) {
    throw new RangeError(
      `almara-pay: tokenUrl must end with ${TOKEN_PATH}, got ${options.tokenUrl}`,
    );
  }
  for (const key of ["clientId", "clientSecret"] as const) {
    if (typeof options[key] !== "string" || options[key] === "")
      fail(key, "is required (a non-empty string)");
    checkWellFormed(key, options[key]);
  }
  if (options.scope !== undefined && typeof options.scope !== "string")
    fail("scope", "must be a string");
  if (options.scope !== undefined) checkWellFormed("scope", options.scope);
  if (
    options.dangerouslyAllowBrowser !== undefined &&
    typeof options.dangerouslyAllowBrowser !== "boolean"
  )
    fail("dangerouslyAllowBrowser", "must be true or false");
  refuseBrowser(options.dangerouslyAllowBrowser === true, "createTokenProvider");
  if (options.fetch !== undefined && typeof options.fetch !== "function")
    fail("fetch", "must be a function");
  // This provider's redactor: the secret pinned for as long as the provider (its client) lives.
  const redactor = new Redactor();
  redactor.pinSecret(options.clientSecret, options.clientId);
  const scope = options.scope ?? "PyPay_api";
  const skewMs = checkMs("refreshSkewSeconds", options.refreshSkewSeconds, 60, 0, "seconds") * 1000;
  const cooldownMs = checkMs("failureCooldownMs", options.failureCooldownMs, 1000, 0);
  const timeoutMs = checkMs("timeoutMs", options.timeoutMs, 30_000);
  const lockWaitMs = checkMs("lockWaitMs", options.lockWaitMs, 10_000);
  const log = createLog(checkLogger(options.logger));
  const cache = checkTokenCache(options.cache);
  if (cache && !globalThis.crypto?.subtle) {
    throw new TypeError(
      "almara-pay: a shared token cache needs Web Crypto (globalThis.crypto.subtle) to derive its key",
    );
  }
  const client = createClient<paths>({
    baseUrl,
    fetch: createTransport({
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs,
    }),
  });

  let cacheKeyPromise: Promise<string> | undefined;
  /** The cache key, computed once (Web Crypto digests are asynchronous). */
  const cacheKeyOf = () =>
    (cacheKeyPromise ??= tokenCacheKey(
      options.tokenUrl,
      options.clientId,
      options.clientSecret,
      scope,
    ));

  let current: (CachedToken & { refreshAt: number }) | undefined;
  let inflight: Promise<string> | undefined;
  let failure: { error: AuthenticationError; until: number } | undefined;

  /** The token the API last refused: a cache that still hands it out is not believed. */
  let refused: string | undefined;

  function remember(token: CachedToken, lifetimeMs: number): string {
    redactor.addToken(token.accessToken, token.expiresAt);
    if (!HEADER_SAFE.test(token.accessToken)) {
      // Never quoted: the message must not carry the token it refuses.
      throw new AuthenticationError(
        `The token from ${options.tokenUrl} cannot be sent in an Authorization header (it holds characters a header cannot carry)`,
      );
    }
    current = { ...token, refreshAt: token.expiresAt - Math.min(skewMs, lifetimeMs / 2) };
    return token.accessToken;
  }

  /**
   * A cache operation, given up on when it does not settle in time: a cache that never answers
   * must not hold a call past its timeout (the operation is then treated as failed, and bypassed).
   */
  const bounded = <T>(what: string, ms: number, operation: () => T | Promise<T>) =>
    withinTime(operation, ms, `the token cache's ${what} did not answer within ${ms} ms`);

  async function fromCache(): Promise<string | undefined> {
    if (!cache) return undefined;
    try {
      const key = await cacheKeyOf();
      const value: unknown = await bounded("get", timeoutMs, () => cache.get(key));
      if (!value) return undefined;
      // Each field read once, then checked: a getter cannot pass the check and change after it.
      const { accessToken, expiresAt, issuedAt } = value as Partial<
        Record<keyof CachedToken, unknown>
      >;
      if (
        typeof accessToken !== "string" ||
        typeof expiresAt !== "number" ||
        !Number.isFinite(expiresAt) ||
        expiresAt - Date.now() > MAX_EXPIRES_IN_SECONDS * 1000 ||
        (issuedAt !== undefined && (typeof issuedAt !== "number" || !(issuedAt < expiresAt))) ||
        !HEADER_SAFE.test(accessToken) ||
        accessToken === refused
      ) {
        log("warn", "token cache returned an unusable token; requesting a token");
        return undefined;
      }
      if (expiresAt <= Date.now()) return undefined;
      const cached: CachedToken = { accessToken, expiresAt };
      if (typeof issuedAt === "number") cached.issuedAt = issuedAt;
      const token = remember(cached, expiresAt - (cached.issuedAt ?? Date.now()));
      if (Date.now() >= current!.refreshAt) return undefined;
      log("debug", "token taken from the shared cache");
      return token;
    } catch (error) {
      log("warn", "token cache read failed; requesting a token", { error: errorText(error) });
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
        // A redirect would carry the client secret to wherever it points: never followed.
        redirect: "manual",
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
    if (response.redirected || response.type === "opaqueredirect" || isRedirect(response.status)) {
      const what = response.redirected
        ? "through a redirect that the fetch followed"
        : `with a redirect (HTTP ${response.status})`;
      throw new AuthenticationError(
        `Token request to ${options.tokenUrl} was answered ${what}, which the SDK never follows: the client secret must not travel on. Set tokenUrl to the token endpoint itself`,
        { status: response.status },
      );
    }
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
    const { accessToken, expiresIn } = checkTokenAnswer(data, options.tokenUrl, response.status);
    const lifetimeMs = expiresIn * 1000;
    const issuedAt = Date.now();
    const token: CachedToken = { accessToken, expiresAt: issuedAt + lifetimeMs, issuedAt };
    remember(token, lifetimeMs);
    log("info", "token obtained", { expiresInSeconds: expiresIn });
    if (cache) {
      try {
        const key = await cacheKeyOf();
        await bounded("set", timeoutMs, () => cache.set(key, token, lifetimeMs));
      } catch (cacheError) {
        log("warn", "token cache write failed; keeping the token in memory", {
          error: errorText(cacheError),
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
      let release: unknown;
      try {
        const key = `${await cacheKeyOf()}:refresh`;
        release = await bounded("lock", lockWaitMs, () => cache.lock!(key, lockWaitMs));
      } catch (error) {
        log("warn", "token cache lock failed; requesting a token", { error: errorText(error) });
        return request();
      }
      if (release !== undefined && typeof release !== "function") {
        log("warn", "token cache lock answered no release function; requesting a token");
        return request();
      }
      if (typeof release === "function") {
        const unlock = release as () => unknown;
        try {
          // Another process may have stored a token between our read and the lock.
          return (await fromCache()) ?? (await request());
        } finally {
          // Not awaited: an unlock that fails or never settles costs the lock's lifetime, not a call.
          void Promise.resolve()
            .then(unlock)
            .catch((error: unknown) =>
              log("warn", "token cache unlock failed", { error: errorText(error) }),
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

  const provider: TokenProvider = {
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
          const key = await cacheKeyOf();
          await bounded("delete", timeoutMs, () => cache.delete!(key, stale));
        } catch (error) {
          log("warn", "token cache delete failed", { error: errorText(error) });
        }
      }
    },
  };
  peeks.set(provider, () =>
    current && Date.now() < current.refreshAt ? current.accessToken : undefined,
  );
  return provider;
}
