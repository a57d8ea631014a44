import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  createAlmaraPay,
  createTokenProvider,
  isAuthenticationError,
  isNetworkError,
  type CachedToken,
  type TokenCache,
} from "../../src/index.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json, type FakeApi } from "../support/fake-api.js";

function provider(api: FakeApi, extra: Partial<Parameters<typeof createTokenProvider>[0]> = {}) {
  return createTokenProvider({
    tokenUrl: `${BASE_URL}/connect/token`,
    ...CREDENTIALS,
    fetch: api.fetch,
    ...extra,
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("token provider", () => {
  it("requests the token form-encoded through /connect/token", async () => {
    const api = createFakeApi();
    const token = await provider(api).getToken();
    expect(token).toBe(api.issued[0]);
    const [sent] = api.tokenRequests();
    expect(sent?.method).toBe("POST");
    expect(sent?.contentType).toBe("application/x-www-form-urlencoded");
    expect(sent?.authorization).toBeNull();
    expect(Object.fromEntries(new URLSearchParams(sent?.body))).toEqual({
      client_id: CREDENTIALS.clientId,
      client_secret: CREDENTIALS.clientSecret,
      grant_type: "client_credentials",
      scope: "PyPay_api",
    });
  });

  it("makes exactly 1 token request for 1,000 concurrent first calls", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch });
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => pay.GET("/v1/bill-services")),
    );
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(api.tokenRequests()).toHaveLength(1);
    expect(api.apiRequests()).toHaveLength(1000);
    expect(new Set(api.apiRequests().map((r) => r.authorization))).toEqual(
      new Set([`Bearer ${api.issued[0]}`]),
    );
  });

  it("reuses the token until the skew window, then refreshes it exactly once", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-25T10:00:00Z") });
    const api = createFakeApi();
    const tokens = provider(api, { refreshSkewSeconds: 60 });
    const first = await tokens.getToken();

    vi.setSystemTime(new Date("2026-11-25T10:58:59Z")); // 3539 s: still outside the 60 s window
    await expect(tokens.getToken()).resolves.toBe(first);
    expect(api.tokenRequests()).toHaveLength(1);

    vi.setSystemTime(new Date("2026-11-25T10:59:00Z")); // 3540 s: refresh
    const refreshed = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    expect(new Set(refreshed)).toEqual(new Set([api.issued[1]]));
    expect(api.tokenRequests()).toHaveLength(2);
  });

  it("caps the skew at half the lifetime of a short-lived token", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-25T10:00:00Z") });
    const api = createFakeApi();
    api.expiresIn = 10;
    const tokens = provider(api, { refreshSkewSeconds: 60 });
    const first = await tokens.getToken();
    vi.advanceTimersByTime(4_999);
    await expect(tokens.getToken()).resolves.toBe(first);
    vi.advanceTimersByTime(1);
    expect(await tokens.getToken()).toBe(api.issued[1]);
  });

  it("invalidate(token) drops that token only", async () => {
    const api = createFakeApi();
    const tokens = provider(api);
    const first = await tokens.getToken();
    await tokens.invalidate("some-older-token");
    await expect(tokens.getToken()).resolves.toBe(first);
    await tokens.invalidate(first);
    expect(await tokens.getToken()).toBe(api.issued[1]);
    expect(api.tokenRequests()).toHaveLength(2);
  });

  it("shares one token between providers through a token cache", async () => {
    const api = createFakeApi();
    const store = new Map<string, { token: CachedToken; ttlMs: number }>();
    const cache: TokenCache = {
      get: async (key) => store.get(key)?.token,
      set: async (key, token, ttlMs) => void store.set(key, { token, ttlMs }),
      delete: async (key) => void store.delete(key),
    };
    const a = provider(api, { cache });
    const b = provider(api, { cache });
    const tokenA = await a.getToken();
    await expect(b.getToken()).resolves.toBe(tokenA);
    expect(api.tokenRequests()).toHaveLength(1);
    expect([...store.values()][0]?.ttlMs).toBe(3600_000);
  });

  it("keeps working, with a warning, when the token cache fails", async () => {
    const api = createFakeApi();
    const warnings: string[] = [];
    const cache: TokenCache = {
      get: () => Promise.reject(new Error("cache down")),
      set: () => Promise.reject(new Error("cache down")),
    };
    const tokens = provider(api, { cache, logger: { warn: (m) => warnings.push(m) } });
    expect(await tokens.getToken()).toBe(api.issued[0]);
    expect(warnings).toEqual([
      "almara-pay: token cache read failed; requesting a token",
      "almara-pay: token cache write failed; keeping the token in memory",
    ]);
  });
});

describe("a token cache that never answers", () => {
  it("is given up on (get and set within timeoutMs, lock within lockWaitMs), and the token requested", async () => {
    const api = createFakeApi();
    const warnings: string[] = [];
    const never = () => new Promise<never>(() => {});
    const cache: TokenCache = { get: never, set: never, lock: never, delete: never };
    const tokens = provider(api, {
      cache,
      timeoutMs: 50,
      lockWaitMs: 50,
      logger: { warn: (m) => warnings.push(m) },
    });
    // (No assertion on time: only that the call ends, with the token, and says why.)
    expect(await tokens.getToken()).toBe(api.issued[0]);
    expect(api.issued).toHaveLength(1);
    expect(warnings).toEqual([
      "almara-pay: token cache read failed; requesting a token",
      "almara-pay: token cache lock failed; requesting a token",
      "almara-pay: token cache write failed; keeping the token in memory",
    ]);
    await tokens.invalidate(api.issued[0]);
    expect(warnings.at(-1)).toBe("almara-pay: token cache delete failed");
  });
});

describe("token endpoint failures", () => {
  it("400 invalid_client gives an AuthenticationError carrying the OAuth code", async () => {
    const api = createFakeApi();
    api.tokenHandler = () =>
      json({ error: "invalid_client", error_description: "Unknown client" }, 400);
    const error = await provider(api)
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ oauthError: "invalid_client", status: 400 });
    expect((error as Error).message).toBe(
      `Token request to ${BASE_URL}/connect/token was refused (invalid_client: Unknown client)`,
    );
  });

  it("a wrong secret gives 401 invalid_client", async () => {
    const api = createFakeApi();
    const tokens = provider(api, { clientSecret: "wrong-secret-value" });
    await expect(tokens.getToken()).rejects.toMatchObject({
      name: "AuthenticationError",
      oauthError: "invalid_client",
      status: 401,
    });
  });

  it("500 gives an AuthenticationError with the status and no OAuth code", async () => {
    const api = createFakeApi();
    api.tokenHandler = () =>
      new Response("<html>oops</html>", { status: 500, headers: { "Content-Type": "text/html" } });
    await expect(provider(api).getToken()).rejects.toMatchObject({
      name: "AuthenticationError",
      status: 500,
      oauthError: undefined,
      message: `Token request to ${BASE_URL}/connect/token was refused (HTTP 500)`,
    });
  });

  it("a network error gives an AuthenticationError caused by a NetworkError", async () => {
    const tokens = createTokenProvider({
      tokenUrl: `${BASE_URL}/connect/token`,
      ...CREDENTIALS,
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    const error = await tokens.getToken().catch((e: unknown) => e);
    expect(isAuthenticationError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Token request to ${BASE_URL}/connect/token failed: the endpoint could not be reached`,
    );
    expect(isNetworkError((error as Error).cause)).toBe(true);
  });

  it("malformed JSON gives an AuthenticationError", async () => {
    const api = createFakeApi();
    api.tokenHandler = () =>
      new Response("{not json", { status: 200, headers: { "Content-Type": "application/json" } });
    await expect(provider(api).getToken()).rejects.toMatchObject({
      name: "AuthenticationError",
      message: `Token request to ${BASE_URL}/connect/token failed: the endpoint answered malformed JSON`,
    });
  });

  it("a 200 without a usable token gives an AuthenticationError", async () => {
    const api = createFakeApi();
    api.tokenHandler = () => json({ token_type: "Bearer", expires_in: 3600 });
    await expect(provider(api).getToken()).rejects.toThrow(/returned no usable token/);
  });

  it("a burst of callers during an outage makes one token request", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-25T10:00:00Z") });
    const api = createFakeApi();
    api.tokenHandler = () => json({ error: "temporarily_unavailable" }, 503);
    const tokens = provider(api, { failureCooldownMs: 1000 });
    const burst = await Promise.allSettled(Array.from({ length: 500 }, () => tokens.getToken()));
    expect(burst.every((r) => r.status === "rejected")).toBe(true);
    const late = await Promise.allSettled(Array.from({ length: 500 }, () => tokens.getToken()));
    expect(late.every((r) => r.status === "rejected" && isAuthenticationError(r.reason))).toBe(
      true,
    );
    expect(api.tokenRequests()).toHaveLength(1);

    vi.advanceTimersByTime(1000); // the cooldown is over: the next caller asks again
    api.tokenHandler = undefined;
    expect(await tokens.getToken()).toBe(api.issued[0]);
    expect(api.tokenRequests()).toHaveLength(2);
  });
});
