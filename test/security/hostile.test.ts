/**
 * What an attack on the secrets pass found, each kept as a test: echoes in JSON escapes and
 * strict percent-encoding, causes built to hide from a scan, fetches that reject with traps,
 * caches that change their answer, locks that misbehave, loggers that reject, bodies nested
 * thousands deep, and option objects read twice.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  createAlmaraPay,
  createTokenProvider,
  isAlmaraPayError,
  isApiError,
  isAuthenticationError,
  isNetworkError,
  unwrap,
  type AlmaraPayOptions,
  type TokenCache,
} from "../../src/index.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json, type FakeApi } from "../support/fake-api.js";

function everything(value: unknown): string {
  const out = [inspect(value, { depth: Infinity, showHidden: true })];
  try {
    out.push(JSON.stringify(value) ?? "");
  } catch {
    out.push("(unserialisable)");
  }
  for (let c = (value as { cause?: unknown })?.cause, n = 0; c !== undefined && n < 50; n++) {
    out.push(String((c as { message?: unknown })?.message), inspect(c, { showHidden: true }));
    c = (c as { cause?: unknown }).cause;
  }
  return out.join("\n");
}

async function settle(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (error) {
    return error;
  }
}

function client(api: FakeApi, extra: Partial<AlmaraPayOptions> = {}) {
  return createAlmaraPay({
    baseUrl: BASE_URL,
    ...CREDENTIALS,
    fetch: api.fetch,
    retry: false,
    ...extra,
  });
}

describe("echoes in forms a plain text scan misses", () => {
  it("a secret in JSON \\u escapes never reaches the { error } value", async () => {
    const secret = "s3cr3t+Value/With=Specials!x";
    const api = createFakeApi();
    api.tokenHandler = () =>
      json({ access_token: "eyJ.tok-abcdefgh", expires_in: 3600, token_type: "Bearer" });
    api.valid.add("eyJ.tok-abcdefgh");
    const escaped = JSON.stringify({ title: `secret ${secret}` })
      .replace(/\+/g, "\\u002B")
      .replace(/\//g, "\\/");
    api.routes.set(
      "GET /v1/bill-services",
      () => new Response(escaped, { status: 400, headers: { "Content-Type": "application/json" } }),
    );
    const pay = client(api, { clientSecret: secret });
    const result = await pay.GET("/v1/bill-services");
    expect(everything(result.error)).not.toContain(secret);
    expect(everything(await settle(unwrap(result)))).not.toContain(secret);
  });

  for (const secret of ["Pa55!word~long", "k*ey'with(parens)", "a&b"]) {
    it(`strictly percent-encoded ${JSON.stringify(secret)} is scrubbed`, async () => {
      const strict = encodeURIComponent(secret).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
      const api = createFakeApi();
      api.tokenHandler = () =>
        json({ error: "invalid_client", error_description: `bad ${strict}` }, 401);
      const error = await settle(client(api, { clientSecret: secret }).GET("/v1/bill-services"));
      expect(isAuthenticationError(error)).toBe(true);
      expect(everything(error)).not.toContain(strict);
    });
  }

  it("the first token is still hidden after 140 refreshes, and a short token too", async () => {
    const api = createFakeApi();
    const pay = client(api);
    for (let i = 0; i < 140; i++) {
      await pay.tokenProvider.getToken();
      await pay.tokenProvider.invalidate();
    }
    const first = api.issued[0]!;
    api.routes.set("GET /v1/bill-services", () => json({ title: `old ${first}` }, 400));
    const result = await pay.GET("/v1/bill-services");
    expect(everything(result.error)).not.toContain(first);

    const short = createFakeApi();
    short.tokenHandler = () =>
      json({ access_token: "Ab3dE", expires_in: 3600, token_type: "Bearer" });
    short.valid.add("Ab3dE");
    short.routes.set("GET /v1/bill-services", () => json({ title: "token Ab3dE refused" }, 400));
    const answer = await client(short).GET("/v1/bill-services");
    expect(everything(answer.error)).not.toContain("Ab3dE");
  });
});

describe("causes built to hide from a scan", () => {
  const shapes: Record<string, (auth: string) => unknown> = {
    "a Proxy hiding its keys": (auth) =>
      new Proxy(new Error(`refused ${auth}`), {
        ownKeys: () => [],
        getOwnPropertyDescriptor: () => undefined,
      }),
    "a message inherited from an error": (auth) => Object.create(new Error(`refused ${auth}`)),
    "a custom inspector": (auth) =>
      Object.assign(new Error("boom"), { [inspect.custom]: () => `custom ${auth}` }),
    "a function named with the token": (auth) =>
      Object.assign(new Error("boom"), { callback: { [auth]: () => 1 }[auth] }),
    "a getter": (auth) =>
      Object.defineProperty(new Error("boom"), "detail", { get: () => auth, enumerable: true }),
    "a Proxy whose getPrototypeOf throws": (auth) =>
      new Proxy(new Error(auth), {
        getPrototypeOf() {
          throw new Error(`trap ${auth}`);
        },
      }),
    "a message getter that throws": (auth) =>
      Object.defineProperty(new Error(), "message", {
        get() {
          throw new Error(`getter ${auth}`);
        },
      }),
    "a cycle through errors": (auth) => {
      const error = new AggregateError([], `refused ${auth}`);
      (error as { errors: unknown[] }).errors.push(error);
      return Object.assign(error, { cause: error });
    },
  };
  for (const [name, shape] of Object.entries(shapes)) {
    it(`${name}: a typed error, and no token anywhere in it`, async () => {
      const api = createFakeApi();
      const pay = client(api, {
        fetch: (request, init) =>
          new URL(request.url).pathname === "/connect/token"
            ? api.fetch(request, init)
            : Promise.reject(shape(request.headers.get("authorization")!)),
      });
      const error = await settle(pay.GET("/v1/bill-services"));
      expect(isNetworkError(error)).toBe(true);
      expect(everything(error)).not.toContain(api.issued[0]!);
    });
  }
});

describe("tokens and caches that change under the SDK", () => {
  it("expires_in 0.001 is refused", async () => {
    const api = createFakeApi();
    api.tokenHandler = () =>
      json({ access_token: "eyJ.abcdefg", expires_in: 0.001, token_type: "Bearer" });
    expect(isAuthenticationError(await settle(client(api).GET("/v1/bill-services")))).toBe(true);
  });

  it("a redirect a custom fetch followed is refused, and its token never used", async () => {
    const api = createFakeApi();
    const pay = client(api, {
      fetch: async (request, init) => {
        const answer = await api.fetch(request, init);
        if (new URL(request.url).pathname !== "/connect/token") return answer;
        Object.defineProperty(answer, "redirected", { value: true });
        return answer;
      },
    });
    const error = await settle(pay.GET("/v1/bill-services"));
    expect(isAuthenticationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/redirect that the fetch followed/);
    expect(api.apiRequests()).toHaveLength(0);
  });

  it("a cached token whose getter changes after the check is never sent", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    let reads = 0;
    const cache: TokenCache = {
      get: () => {
        let read = 0; // each answer turns hostile after its first read
        return {
          get accessToken() {
            reads += 1;
            read += 1;
            return read > 1 ? "eyJ.evil\r\nX-Injected: 1" : "eyJ.safe-token-value";
          },
          expiresAt: Date.now() + 3_600_000,
        } as never;
      },
      set: () => undefined,
    };
    const error = await settle(unwrap(client(api, { tokenCache: cache }).GET("/v1/bill-services")));
    // Each cached answer was read once (its token is unknown to the API): never the injected one.
    expect(reads).toBeGreaterThan(0);
    expect(api.received.some((r) => r.authorization === "Bearer eyJ.safe-token-value")).toBe(true);
    expect(api.received.every((r) => !r.authorization?.includes("evil"))).toBe(true);
    expect(error === undefined || isAlmaraPayError(error) || Array.isArray(error)).toBe(true);
  });

  for (const [name, lock] of [
    [
      "a release that throws",
      async () => () => {
        throw new Error("redis connection lost");
      },
    ],
    ["a release that returns nothing", async () => () => undefined],
    ["a lock that answers true", async () => true],
    ["a release that never settles", async () => () => new Promise(() => undefined)],
  ] as const) {
    it(`${name}: the call still succeeds`, async () => {
      const api = createFakeApi();
      api.routes.set("GET /v1/bill-services", () => json([]));
      const cache = {
        get: () => undefined,
        set: () => undefined,
        lock: lock as unknown as TokenCache["lock"],
      };
      await expect(
        unwrap(client(api, { tokenCache: cache }).GET("/v1/bill-services")),
      ).resolves.toEqual([]);
    });
  }

  it("a logger whose promise rejects is no unhandled rejection", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    const rejecting = () => Promise.reject(new Error("log shipper down"));
    const pay = client(api, {
      logger: { debug: rejecting, info: rejecting, warn: rejecting, error: rejecting },
    });
    await expect(unwrap(pay.GET("/v1/bill-services"))).resolves.toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 10)); // an unhandled rejection would fail the run
  });

  it("a provider reads its secret once: a getter cannot send one it never hid", async () => {
    const api = createFakeApi();
    let reads = 0;
    const options = {
      tokenUrl: `${BASE_URL}/connect/token`,
      clientId: CREDENTIALS.clientId,
      get clientSecret() {
        reads += 1;
        return reads === 1 ? CREDENTIALS.clientSecret : `rotated-secret-${reads}`;
      },
      fetch: api.fetch,
    };
    await createTokenProvider(options).getToken();
    expect(api.tokenRequests()[0]!.body).toContain(encodeURIComponent(CREDENTIALS.clientSecret));
  });

  it("a secret with a lone surrogate is refused at construction, naming it", () => {
    expect(() =>
      createAlmaraPay({ baseUrl: BASE_URL, clientId: "id", clientSecret: "ab\uD800cd" }),
    ).toThrow(/options\.clientSecret/);
  });

  it("inherited option keys are checked like own ones", () => {
    const options = Object.assign(Object.create({ tokenURL: "x" }), {
      baseUrl: BASE_URL,
      ...CREDENTIALS,
    });
    expect(() => createAlmaraPay(options)).toThrow(/options\.tokenURL/);
    const retry = Object.create({ retries: 0 });
    const pay = client(createFakeApi(), { retry });
    expect(pay).toHaveProperty("GET");
  });
});

describe("bodies nested thousands deep", () => {
  for (const shape of ["problem", "domain"] as const) {
    it(`a ${shape} error 5000 levels deep is an ApiError`, async () => {
      // Written as text: JSON.stringify itself cannot nest that deep.
      const deep = `${"[".repeat(5000)}"x"${"]".repeat(5000)}`;
      const body =
        shape === "problem"
          ? `{"title":"Bad","status":400,"errors":{"amount":${deep}}}`
          : `{"appDomainName":"Bills","errors":[{"field":${deep},"message":"m"}]}`;
      const api = createFakeApi();
      api.routes.set(
        "GET /v1/bill-services",
        () => new Response(body, { status: 400, headers: { "Content-Type": "application/json" } }),
      );
      const error = await settle(unwrap(client(api).GET("/v1/bill-services")));
      expect(isApiError(error)).toBe(true);
      expect(() => JSON.stringify(error)).not.toThrow();
      expect(() => inspect(error, { depth: Infinity })).not.toThrow();
    });
  }
});
