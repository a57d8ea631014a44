/**
 * One token for many processes: providers sharing a lockable cache (each provider stands for a
 * process) make one token request between them, and refresh once.
 */
import { describe, expect, it } from "vitest";
import { createTokenProvider, type TokenProviderOptions } from "../../src/index.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json, type FakeApi } from "../support/fake-api.js";
import { createMemoryTokenCache } from "../support/memory-token-cache.js";
import { tokenCacheKey } from "../../src/auth/token-provider.js";

function provider(api: FakeApi, extra: Partial<TokenProviderOptions> = {}) {
  return createTokenProvider({
    tokenUrl: `${BASE_URL}/connect/token`,
    ...CREDENTIALS,
    fetch: api.fetch,
    ...extra,
  });
}

/** A token endpoint that takes `ms` to answer, issuing tokens as the fake API does. */
function slowTokens(api: FakeApi, ms: number): void {
  api.tokenHandler = async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const token = `eyJ.slow-token-${api.issued.length + 1}`;
    api.issued.push(token);
    api.valid.add(token);
    return json({ access_token: token, expires_in: api.expiresIn, token_type: "Bearer" });
  };
}

describe("a token shared through a lockable cache", () => {
  it("makes 1 token request for 8 cold processes × 100 concurrent callers", async () => {
    const api = createFakeApi();
    slowTokens(api, 30);
    const cache = createMemoryTokenCache();
    const processes = Array.from({ length: 8 }, () => provider(api, { cache }));
    const tokens = await Promise.all(
      processes.flatMap((p) => Array.from({ length: 100 }, () => p.getToken())),
    );
    expect(api.tokenRequests()).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set([api.issued[0]]));
    expect(cache.locks.size).toBe(0); // released
  });

  it("a process that loses the lock waits for the winner's token instead of asking", async () => {
    const api = createFakeApi();
    slowTokens(api, 150);
    const cache = createMemoryTokenCache();
    const debug: string[] = [];
    const winner = provider(api, { cache });
    const loser = provider(api, { cache, logger: { debug: (m) => debug.push(m) } });
    const first = winner.getToken();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the winner holds the lock
    const [a, b] = await Promise.all([first, loser.getToken()]);
    expect(b).toBe(a);
    expect(api.tokenRequests()).toHaveLength(1);
    expect(debug).toContain("almara-pay: token taken from the shared cache");
  });

  it("refreshes once across processes when the token nears expiry", async () => {
    const api = createFakeApi();
    api.expiresIn = 1; // refreshed after half its lifetime
    slowTokens(api, 20);
    const cache = createMemoryTokenCache();
    const processes = Array.from({ length: 8 }, () => provider(api, { cache }));
    await Promise.all(processes.map((p) => p.getToken()));
    await new Promise((resolve) => setTimeout(resolve, 600));
    const refreshed = await Promise.all(
      processes.flatMap((p) => Array.from({ length: 20 }, () => p.getToken())),
    );
    expect(api.tokenRequests()).toHaveLength(2);
    expect(new Set(refreshed)).toEqual(new Set([api.issued[1]]));
  });

  it("forgets a refused token without deleting the fresh one another process stored", async () => {
    const api = createFakeApi();
    const cache = createMemoryTokenCache();
    const a = provider(api, { cache });
    const refused = await a.getToken();
    const [key] = [...cache.tokens.keys()];
    cache.tokens.set(key!, {
      accessToken: "eyJ.from-another-process",
      expiresAt: Date.now() + 3.6e6,
    });
    await a.invalidate(refused);
    expect(cache.tokens.get(key!)?.accessToken).toBe("eyJ.from-another-process");
    await expect(a.getToken()).resolves.toBe("eyJ.from-another-process");
    expect(api.tokenRequests()).toHaveLength(1);
  });

  it("asks for its own token when the lock holder delivers none within lockWaitMs", async () => {
    const api = createFakeApi();
    const cache = createMemoryTokenCache();
    const warnings: string[] = [];
    const stuck = provider(api, {
      cache,
      lockWaitMs: 100,
      logger: { warn: (m) => warnings.push(m) },
    });
    const key = `${await tokenCacheKey(`${BASE_URL}/connect/token`, CREDENTIALS.clientId, CREDENTIALS.clientSecret, "PyPay_api")}:refresh`;
    cache.locks.add(key); // a process that took the lock and died
    const started = Date.now();
    const token = await stuck.getToken();
    expect(token).toBe(api.issued[0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(warnings).toEqual([
      "almara-pay: no token from the process holding the refresh lock; requesting one",
    ]);
  });

  it("requests its own token, with a warning, when the lock cannot be taken", async () => {
    const api = createFakeApi();
    const cache = createMemoryTokenCache();
    cache.lock = () => Promise.reject(new Error("redis down"));
    const warnings: string[] = [];
    const tokens = provider(api, { cache, logger: { warn: (m) => warnings.push(m) } });
    const token = await tokens.getToken();
    expect(token).toBe(api.issued[0]);
    expect(warnings).toEqual(["almara-pay: token cache lock failed; requesting a token"]);
  });
});
