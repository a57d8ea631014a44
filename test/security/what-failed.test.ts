/**
 * One test for each way secrets leaked or credentials were trusted before the per-client
 * redactors, the token checks, the digest cache key and construction-time option checks.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  createAlmaraPay,
  createTokenProvider,
  isApiError,
  isAuthenticationError,
  unwrap,
  type AlmaraPayOptions,
  type TokenProviderOptions,
} from "../../src/index.js";
import { createRedisTokenCache } from "../../src/auth/redis-token-cache.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json, type FakeApi } from "../support/fake-api.js";
import { createMemoryTokenCache } from "../support/memory-token-cache.js";

/** Every serialised form of an error and its causes, at any depth. */
function forms(error: unknown): string {
  const out = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ];
  for (
    let cause = (error as { cause?: unknown }).cause, n = 0;
    cause !== undefined && n < 50;
    n++
  ) {
    out.push(String(cause), inspect(cause, { depth: Infinity, showHidden: true }));
    cause = (cause as { cause?: unknown }).cause;
  }
  return out.join("\n");
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("the call was expected to fail");
}

function client(api: FakeApi, extra: Partial<AlmaraPayOptions> = {}) {
  return createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch, ...extra });
}

describe("1. the client secret stays redacted however many tokens rotate", () => {
  it("after 150 refreshes of its own client and 300 tokens of other clients", async () => {
    const api = createFakeApi();
    const pay = client(api);
    for (let i = 0; i < 150; i++) {
      await pay.tokenProvider.getToken();
      await pay.tokenProvider.invalidate();
    }
    const others = createFakeApi();
    for (let i = 0; i < 3; i++) {
      const other = createTokenProvider({
        tokenUrl: `${BASE_URL}/connect/token`,
        clientId: `other-${i}`,
        clientSecret: CREDENTIALS.clientSecret,
        fetch: others.fetch,
      });
      for (let j = 0; j < 100; j++) {
        await other.getToken();
        await other.invalidate();
      }
    }
    expect(api.issued.length).toBeGreaterThanOrEqual(150);
    api.routes.set("GET /v1/bill-services", () =>
      json({ title: `secret was ${CREDENTIALS.clientSecret}`, status: 400 }, 400),
    );
    const error = await failure(unwrap(pay.GET("/v1/bill-services")));
    expect(isApiError(error)).toBe(true);
    expect(forms(error)).toContain("[REDACTED]");
    expect(forms(error)).not.toContain(CREDENTIALS.clientSecret);
  });
});

describe("2. echoed secrets in every form, fields and depths", () => {
  const secret = "p@ss w0rd/+&=é%[x]*?";

  it("a token endpoint echoing the URL-encoded form body", async () => {
    const api = createFakeApi();
    api.tokenHandler = (_, received) =>
      json({ error: "invalid_client", error_description: `got ${received.body}` }, 400);
    const pay = client(api, { clientSecret: secret });
    const error = await failure(pay.GET("/v1/bill-services"));
    expect(isAuthenticationError(error)).toBe(true);
    const text = forms(error);
    expect(text).toContain("[REDACTED]");
    for (const form of [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ])
      expect(text).not.toContain(form);
  });

  it("tokens in nested causes and a cause's own fields", async () => {
    const api = createFakeApi();
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      retry: false,
      fetch: (request, init) => {
        if (new URL(request.url).pathname === "/connect/token") return api.fetch(request, init);
        const auth = request.headers.get("authorization")!;
        const inner = Object.assign(new Error(`inner ${auth}`), { config: { headers: { auth } } });
        const middle = new Error("middle", { cause: inner });
        return Promise.reject(
          Object.assign(new TypeError("fetch failed", { cause: middle }), { token: auth }),
        );
      },
    });
    const error = await failure(pay.GET("/v1/bill-services"));
    expect(api.issued).toHaveLength(1);
    const text = forms(error);
    expect(text).toContain("[REDACTED]");
    expect(text).not.toContain(api.issued[0]);
  });

  it("fieldErrors, traceId, requestId and bodies nested 200 deep", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", (_, received) => {
      const token = received.authorization!.slice("Bearer ".length);
      let deep: unknown = { token };
      for (let i = 0; i < 200; i++) deep = { deep };
      return json(
        { title: "Bad", status: 400, traceId: token, errors: { [token]: [token] }, deep },
        400,
        { "x-request-id": token },
      );
    });
    const error = await failure(unwrap(client(api).GET("/v1/bill-services")));
    expect(isApiError(error)).toBe(true);
    const text = forms(error);
    expect(text).not.toContain(api.issued[0]);
    expect(text).toContain("[REDACTED]");
  });
});

describe("3. a token a header cannot carry", () => {
  for (const [name, token] of [
    ["CR/LF", "eyJ.abc\r\nX-Evil: 1"],
    ["NUL", "eyJ.abc\u0000def-ghijkl"],
  ] as const) {
    it(`${name}: a typed AuthenticationError that does not quote it, and nothing cached`, async () => {
      const api = createFakeApi();
      api.tokenHandler = () =>
        json({ access_token: token, expires_in: 3600, token_type: "Bearer" });
      const cache = createMemoryTokenCache();
      const pay = client(api, { tokenCache: cache });
      const error = await failure(pay.GET("/v1/bill-services"));
      expect(isAuthenticationError(error)).toBe(true);
      expect(forms(error)).not.toContain(token);
      expect(cache.tokens.size).toBe(0);
      await failure(pay.GET("/v1/bill-services"));
      expect(api.apiRequests()).toHaveLength(0);
    });
  }
});

describe("4. the token request never follows a redirect", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  for (const status of [301, 302, 303, 307, 308]) {
    it(`a ${status} sends the secret nowhere and yields no token`, async () => {
      const elsewhere: string[] = [];
      const other = await listen((request, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
          elsewhere.push(body);
          response.writeHead(200, { "Content-Type": "application/json" });
          response.end(
            JSON.stringify({
              access_token: "eyJ.stolen-token",
              expires_in: 3600,
              token_type: "Bearer",
            }),
          );
        });
      });
      const api = await listen((_, response) => {
        response.writeHead(status, { Location: `${other}/connect/token` }).end();
      });
      const pay = createAlmaraPay({ baseUrl: api, ...CREDENTIALS });
      const error = await failure(pay.GET("/v1/bill-services"));
      expect(isAuthenticationError(error)).toBe(true);
      expect((error as Error).message).toMatch(/redirect/);
      expect(elsewhere).toEqual([]);
    });
  }
});

describe("5. the shared token cache", () => {
  function provider(api: FakeApi, extra: Partial<TokenProviderOptions>) {
    return createTokenProvider({
      tokenUrl: `${BASE_URL}/connect/token`,
      clientId: CREDENTIALS.clientId,
      clientSecret: CREDENTIALS.clientSecret,
      fetch: api.fetch,
      ...extra,
    });
  }

  it("a wrong secret never reads the right one's token", async () => {
    const api = createFakeApi();
    const cache = createMemoryTokenCache();
    const right = await provider(api, { cache }).getToken();
    expect(right).toBe(api.issued[0]);
    const wrong = provider(api, { cache, clientSecret: "revoked-secret-value" });
    expect(isAuthenticationError(await failure(wrong.getToken()))).toBe(true);
  });

  it("key parts never collide: (a:b, c) and (a, b:c)", async () => {
    const api = createFakeApi();
    api.tokenHandler = (_, received) => {
      const form = new URLSearchParams(received.body);
      const token =
        `eyJ.${form.get("client_id")}.${form.get("scope")}.${api.issued.length}`.replace(/:/g, "_");
      api.issued.push(token);
      return json({ access_token: token, expires_in: 3600, token_type: "Bearer" });
    };
    const cache = createMemoryTokenCache();
    const first = await provider(api, { cache, clientId: "a:b", scope: "c" }).getToken();
    const second = await provider(api, { cache, clientId: "a", scope: "b:c" }).getToken();
    expect(first).not.toBe(second);
    expect(cache.tokens.size).toBe(2);
  });

  it("survives a command that throws synchronously", async () => {
    const api = createFakeApi();
    const cache = createRedisTokenCache({
      commandTimeoutMs: 5,
      command: () => {
        throw new Error("client is closed");
      },
    });
    const tokens = provider(api, { cache });
    const first = await tokens.getToken();
    expect(first).toBe(api.issued[0]);
    await tokens.invalidate();
    const second = await tokens.getToken();
    expect(second).toBe(api.issued[1]);
    // The command timers have run out by now: an orphaned timeout would be an unhandled rejection,
    // which fails the run.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it("a cached token with CR/LF is refused, and a fresh one requested", async () => {
    const api = createFakeApi();
    const cache = createMemoryTokenCache();
    const tokens = provider(api, { cache });
    const bad = "eyJ.cached\r\nX-Evil: 1";
    cache.set = async (key, token) => void cache.tokens.set(key, token);
    await tokens.getToken();
    const [key] = [...cache.tokens.keys()];
    const second = provider(api, { cache });
    cache.tokens.set(key!, { accessToken: bad, expiresAt: Date.now() + 3.6e6 });
    const token = await second.getToken();
    expect(token).not.toBe(bad);
    expect(api.issued).toContain(token);
  });

  it("a crashed lock holder costs at most tokenLockWaitMs, set through createAlmaraPay", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    const cache = createMemoryTokenCache();
    cache.lock = async () => undefined; // a lock held by a process that died
    const warnings: string[] = [];
    const pay = client(api, {
      tokenCache: cache,
      tokenLockWaitMs: 50,
      logger: { warn: (m) => warnings.push(m) },
    });
    await expect(unwrap(pay.GET("/v1/bill-services"))).resolves.toEqual([]);
    expect(warnings).toContain(
      "almara-pay: no token from the process holding the refresh lock; requesting one",
    );
  });
});

describe("6. options that passed validation and then misbehaved", () => {
  const base = { baseUrl: BASE_URL, ...CREDENTIALS };
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["a logger method that is no function", { logger: { warn: "yes" } }, /options\.logger\.warn/],
    ["a base URL with a trailing space", { baseUrl: "http://h " }, /options\.baseUrl/],
    ["a base URL ending in a bare ?", { baseUrl: "http://h/?" }, /options\.baseUrl/],
    ["a base URL ending in a bare #", { baseUrl: "http://h/#" }, /options\.baseUrl/],
    ["tokenCache null", { tokenCache: null }, /options\.tokenCache/],
    ["retry.unsafe a string", { retry: { unsafe: "yes" } }, /options\.retry\.unsafe/],
    ["an unknown retry key", { retry: { retrys: 3 } }, /options\.retry\.retrys/],
    ["maxDelayMs beyond a timer", { retry: { maxDelayMs: 1e12 } }, /options\.retry\.maxDelayMs/],
    ["tokenLockWaitMs zero", { tokenLockWaitMs: 0 }, /options\.tokenLockWaitMs/],
  ];
  for (const [name, overrides, message] of cases) {
    it(`${name}: refused at construction, naming the option`, () => {
      let thrown: unknown;
      try {
        createAlmaraPay({ ...base, ...overrides } as unknown as AlmaraPayOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown instanceof TypeError || thrown instanceof RangeError).toBe(true);
      expect((thrown as Error).message).toMatch(message);
    });
  }

  it("a logger whose methods turn hostile after construction never changes a call's outcome", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    let hostile = false;
    const logger = new Proxy(
      {},
      {
        get(_, level) {
          if (hostile) throw new Error(`logger.${String(level)} is gone`);
          return () => undefined;
        },
      },
    );
    const pay = client(api, { logger });
    hostile = true;
    await expect(unwrap(pay.GET("/v1/bill-services"))).resolves.toEqual([]);
  });

  it("a logger that throws never changes a call's outcome", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    const angry = () => {
      throw new Error("disk full");
    };
    const pay = client(api, { logger: { debug: angry, info: angry, warn: angry, error: angry } });
    await expect(unwrap(pay.GET("/v1/bill-services"))).resolves.toEqual([]);
  });

  for (const [name, answer] of [
    [
      "expires_in 1e400 (Infinity)",
      '{"access_token":"eyJ.abcdef","expires_in":1e400,"token_type":"Bearer"}',
    ],
    [
      "expires_in ten years",
      '{"access_token":"eyJ.abcdef","expires_in":315360000,"token_type":"Bearer"}',
    ],
    ["token_type mac", '{"access_token":"eyJ.abcdef","expires_in":3600,"token_type":"mac"}'],
    ["no token_type", '{"access_token":"eyJ.abcdef","expires_in":3600}'],
  ] as const) {
    it(`a token answer with ${name} is refused`, async () => {
      const api = createFakeApi();
      api.tokenHandler = () =>
        new Response(answer, { headers: { "Content-Type": "application/json" } });
      const error = await failure(client(api).GET("/v1/bill-services"));
      expect(isAuthenticationError(error)).toBe(true);
      expect(api.apiRequests()).toHaveLength(0);
    });
  }

  it("accepts token_type in any casing", async () => {
    const api = createFakeApi();
    api.tokenHandler = () =>
      json({ access_token: "eyJ.abcdef-ghi", expires_in: 3600, token_type: "bEaReR" });
    api.valid.add("eyJ.abcdef-ghi");
    api.routes.set("GET /v1/bill-services", () => json([]));
    await expect(unwrap(client(api).GET("/v1/bill-services"))).resolves.toEqual([]);
  });

  for (const field of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    it(`a domain error on field ${field} is an ApiError`, async () => {
      const api = createFakeApi();
      api.routes.set("GET /v1/bill-services", () =>
        json({ appDomainName: "Bills", errors: [{ field, message: "is wrong" }] }, 400),
      );
      const error = await failure(unwrap(client(api).GET("/v1/bill-services")));
      expect(isApiError(error)).toBe(true);
      expect((error as Error).message).toContain("is wrong");
    });
  }

  it("a __proto__ key in an error body never replaces the body's prototype", async () => {
    const api = createFakeApi();
    api.routes.set(
      "GET /v1/bill-services",
      () =>
        new Response(
          '{"title":"Bad","status":400,"__proto__":{"polluted":true},"nested":{"__proto__":{"polluted":true}}}',
          {
            status: 400,
            headers: { "Content-Type": "application/json" },
          },
        ),
    );
    const error = (await failure(unwrap(client(api).GET("/v1/bill-services")))) as {
      body: Record<string, unknown>;
    };
    expect(Object.getPrototypeOf(error.body)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(error.body.nested)).toBe(Object.prototype);
    expect((error.body as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(error.body)).not.toContain("__proto__");
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe("8. browsers", () => {
  const scope = globalThis as { window?: unknown; document?: unknown };
  afterEach(() => {
    delete scope.window;
    delete scope.document;
  });

  it("refuses a client where window and document exist", () => {
    scope.window = {};
    scope.document = {};
    expect(() => createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS })).toThrow(
      /browser.*dangerouslyAllowBrowser/s,
    );
  });

  it("refuses a bare token provider there too", () => {
    scope.window = {};
    scope.document = {};
    const options = {
      tokenUrl: `${BASE_URL}/connect/token`,
      clientId: CREDENTIALS.clientId,
      clientSecret: CREDENTIALS.clientSecret,
    };
    expect(() => createTokenProvider(options)).toThrow(/createTokenProvider.*browser/s);
    expect(createTokenProvider({ ...options, dangerouslyAllowBrowser: true })).toHaveProperty(
      "getToken",
    );
  });

  it("allows it with dangerouslyAllowBrowser: true", () => {
    scope.window = {};
    scope.document = {};
    expect(
      createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, dangerouslyAllowBrowser: true }),
    ).toHaveProperty("GET");
  });
});
