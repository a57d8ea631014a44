/**
 * Money safety against hostile servers and careless input: a resend that meets something other
 * than success, bodiless and lying answers, compression bombs, ids in another casing, misshapen
 * lookup records. Each case names what the caller must get instead of a silent loss.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  createAlmaraPay,
  findAirtimeOutcome,
  findExpressDepositOutcome,
  findPaymentOrderOutcome,
  findPaymentOutcome,
  isAmbiguousOutcomeError,
} from "../../src/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import * as sources from "../../src/index.js";
import { billPayment, payout } from "../support/fixtures.js";
import { importMinifiedSdk } from "../support/minified-sdk.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json, type Handler } from "../support/fake-api.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

async function sandboxed(): Promise<Sandbox> {
  const sandbox = await startSandbox({ settleDelayMs: 10, onError: () => undefined });
  open.push(() => sandbox.close());
  return sandbox;
}

function payWith(handler: Handler, options: { maxResponseBytes?: number } = {}) {
  const api = createFakeApi();
  for (const route of ["POST /v1/bill-payments", "GET /v1/bill-services"])
    api.routes.set(route, handler);
  const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch, ...options });
  return { api, pay };
}

const fail = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("a resend after a send that may have landed", () => {
  it("that meets a 429 is ambiguous, not a refusal", async () => {
    const sandbox = await sandboxed();
    const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });
    sandbox.injectFault("postBillPayment", { reset: "after" });
    sandbox.injectFault("postBillPayment", { status: 429, retryAfter: 120 });
    const error = await fail(
      pay.POST("/v1/bill-payments", {
        body: billPayment,
        retry: { unsafe: true, baseDelayMs: 1 },
      }),
    );
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    expect(error).toMatchObject({
      originatorConversationId: billPayment.originatorConversationId,
      status: 429,
    });
    expect(sandbox.transactions()).toHaveLength(1);
  });

  it("that meets a refused connection is ambiguous, not 'never sent'", async () => {
    const sandbox = await sandboxed();
    let sends = 0;
    const pay = createAlmaraPay({
      baseUrl: sandbox.url,
      ...sandbox.credentials,
      retry: { unsafe: true, baseDelayMs: 1, retries: 2 },
      fetch: (request, init) =>
        request.url.endsWith("/v1/bill-payments") && ++sends > 1
          ? Promise.reject(
              new TypeError("fetch failed", {
                cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
              }),
            )
          : globalThis.fetch(request, init),
    });
    sandbox.injectFault("postBillPayment", { reset: "after" });
    const error = await fail(pay.POST("/v1/bill-payments", { body: billPayment }));
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ originatorConversationId: billPayment.originatorConversationId });
    expect(sends).toBe(3);
    expect(sandbox.transactions()).toHaveLength(1);
  });
});

describe("bodiless and lying 2xx answers to a payment", () => {
  it.each([
    ["204", 204],
    ["205", 205],
  ])("%s: ambiguous with the id, never data: undefined", async (_, status) => {
    const { pay } = payWith(() => new Response(null, { status }));
    const error = await fail(pay.POST("/v1/bill-payments", { body: billPayment }));
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ originatorConversationId: billPayment.originatorConversationId });
  });

  it("a JSON body declared as Content-Length 0 is read for what it is, not as no body", async () => {
    const { pay } = payWith(
      () =>
        new Response('{"message":{}}', {
          headers: { "Content-Type": "application/json", "Content-Length": "0" },
        }),
    );
    const result = await pay.POST("/v1/bill-payments", { body: billPayment });
    expect(result.data).toEqual({ message: {} });
  });

  it("a 205 from a real server after the payout was recorded: ambiguous, not a SyntaxError", async () => {
    const sandbox = await sandboxed();
    const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });
    sandbox.injectFault("createPaymentOrder", { status: 205, after: true });
    const error = await fail(pay.POST("/v1/payment-order/new-order", { body: payout() }));
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ cause: { name: "InvalidResponseError" } });
    expect(sandbox.transactions()).toHaveLength(1);
  });
});

describe("maxResponseBytes against lying lengths and compression", () => {
  it("a gzip answer that inflates past the limit is cut off, though its declared length is small", async () => {
    const inflated = Buffer.alloc(32 * 1024 * 1024, " ");
    const gzipped = gzipSync(Buffer.concat([inflated, Buffer.from("{}")]));
    let token = 0;
    const server = createServer((request, response) => {
      if (request.url === "/connect/token") {
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(
          JSON.stringify({
            access_token: `tok-${++token}-abcdef`,
            expires_in: 3600,
            token_type: "Bearer",
          }),
        );
        return;
      }
      response.writeHead(200, {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Content-Length": String(gzipped.length),
      });
      response.end(gzipped);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    open.push(() => new Promise((resolve) => server.close(() => resolve())));
    const pay = createAlmaraPay({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      clientId: "id",
      clientSecret: "secret-value",
      maxResponseBytes: 1024 * 1024,
      retry: false,
    });
    expect(gzipped.length).toBeLessThan(1024 * 1024);
    await expect(pay.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "InvalidResponseError",
      message: expect.stringContaining("over maxResponseBytes (1048576)"),
    });
    const error = await fail(pay.POST("/v1/bill-payments", { body: billPayment }));
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
  });

  it("a fetch that declares 10 bytes and streams megabytes is cut off at the limit", async () => {
    let pulled = 0;
    const { pay } = payWith(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              pulled += 65536;
              controller.enqueue(new Uint8Array(65536).fill(0x20));
            },
          }),
          { headers: { "Content-Type": "application/json", "Content-Length": "10" } },
        ),
      { maxResponseBytes: 256 * 1024 },
    );
    await expect(pay.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "InvalidResponseError",
    });
    expect(pulled).toBeLessThanOrEqual(256 * 1024 + 3 * 65536);
  });
});

describe("careless input", () => {
  it("an id sent as OriginatorConversationId is the caller's id: no second id is added", async () => {
    const { api, pay } = payWith(() => json({ message: {} }));
    const { originatorConversationId: _, ...rest } = billPayment;
    const result = await pay.POST("/v1/bill-payments", {
      body: { ...rest, OriginatorConversationId: "mine-1" } as never,
    });
    const sent = JSON.parse(api.apiRequests()[0]!.body) as Record<string, unknown>;
    expect(Object.keys(sent).filter((k) => /originatorconversationid/i.test(k))).toEqual([
      "OriginatorConversationId",
    ]);
    expect(sent.OriginatorConversationId).toBe("mine-1");
    expect(result.response.ok).toBe(true);
  });

  it("an id given twice in two casings with different values is refused before sending", async () => {
    const { api, pay } = payWith(() => json({ message: {} }));
    const error = await fail(
      pay.POST("/v1/bill-payments", {
        body: { ...billPayment, OriginatorConversationId: "other" } as never,
      }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain("originatorConversationId more than once");
    expect(api.apiRequests()).toHaveLength(0);
  });

  it("a payment spelled TransactionType is still a payment: its lost answer is ambiguous", async () => {
    const { pay } = payWith(
      () => new Response("<html/>", { headers: { "Content-Type": "text/html" } }),
    );
    const { transactionType: _, ...rest } = billPayment;
    const error = await fail(
      pay.POST("/v1/bill-payments", { body: { ...rest, TransactionType: 2 } as never }),
    );
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
  });

  it("a bad per-call timeoutMs on a payment is a RangeError naming it, and nothing is sent", async () => {
    const { api, pay } = payWith(() => json({ message: {} }));
    const error = await fail(
      pay.POST("/v1/bill-payments", { body: billPayment, timeoutMs: "50" as unknown as number }),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(String(error)).toContain("timeoutMs");
    expect(api.apiRequests()).toHaveLength(0);
  });
});

describe("lookups of misshapen records", () => {
  const routes: [
    string,
    string,
    unknown,
    (pay: ReturnType<typeof payWith>["pay"]) => Promise<unknown>,
  ][] = [
    ["bill payment as a list", "GET /v1/bill-payments", [], (pay) => findPaymentOutcome(pay, "x")],
    [
      "payout line without an outcome",
      "GET /v1/payment-order/check-status",
      { orderLines: [{}] },
      (pay) => findPaymentOrderOutcome(pay, "x"),
    ],
    [
      "airtime without recipients",
      "GET /v1/airtime-purchase/check-status",
      {},
      (pay) => findAirtimeOutcome(pay, "x"),
    ],
  ];

  it.each(routes)(
    "%s: InvalidResponseError, not a bare TypeError",
    async (_, route, record, find) => {
      const { api, pay } = payWith(() => json({}));
      api.routes.set(route, () => json(record));
      await expect(find(pay)).rejects.toMatchObject({
        name: "InvalidResponseError",
        message: expect.stringContaining("not shaped as documented"),
      });
    },
  );

  it("an express deposit whose resultCode is a number is read", async () => {
    const { api, pay } = payWith(() => json({}));
    api.routes.set("GET /v1/express-deposit/check-status", () =>
      json({ originatorConversationId: "x", resultCode: 0 }),
    );
    expect((await findExpressDepositOutcome(pay, "x")).state).toBe("completed");
  });
});

describe("aborts that must stay this call's own", () => {
  it("a caller's abort reaches a payment whose Request the SDK rebuilt, after garbage collection", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    const root = new URL("../..", import.meta.url);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--expose-gc", "--import", "tsx", "test/support/abort-after-gc.ts"],
      { cwd: root, timeout: 60_000 },
    );
    const results = stdout
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as { name: string; ambiguous: boolean; id?: string; sends: number },
      );
    expect(results.map(({ name, ambiguous, sends }) => [name, ambiguous, sends])).toEqual([
      ["while the answer is awaited", true, 1],
      ["during a backoff wait", true, 1],
    ]);
    for (const { id } of results) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  }, 90_000);

  it("an abort whose reason is another call's SDK error: ambiguous with this payment's own id", async () => {
    const sandbox = await sandboxed();
    const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });
    sandbox.injectFault("postBillPayment", { hangMs: 60_000 });
    const controller = new AbortController();
    const b = fail(
      pay.POST("/v1/bill-payments", {
        body: { ...billPayment, originatorConversationId: "B-1" },
        signal: controller.signal,
      }),
    );
    while (!sandbox.requests.some((r) => r.path === "/v1/bill-payments")) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const sibling = new sources.AmbiguousOutcomeError({
      method: "POST",
      path: "/v1/bill-payments",
      originatorConversationId: "A-1",
      why: "a sibling failed",
    });
    controller.abort(sibling);
    const error = await b;
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    // The cause is the sibling's error, kept as a scrubbed copy (its kind, id and message).
    expect(error).toMatchObject({ originatorConversationId: "B-1" });
    const cause = (error as Error).cause;
    expect(isAmbiguousOutcomeError(cause)).toBe(true);
    expect(cause).toMatchObject({ originatorConversationId: "A-1", message: sibling.message });
    sandbox.releaseHangs();
  });
});

describe("hooks and helpers that must not bypass the rules", () => {
  it("a logger that throws changes no outcome", async () => {
    const sandbox = await sandboxed();
    const pay = createAlmaraPay({
      baseUrl: sandbox.url,
      ...sandbox.credentials,
      retry: { baseDelayMs: 1, unsafe: true },
      logger: {
        info() {
          throw new Error("log sink down");
        },
      },
    });
    sandbox.injectFault("postBillPayment", { status: 503, after: true });
    const error = await fail(pay.POST("/v1/bill-payments", { body: billPayment }));
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ recorded: true });
  });

  it("a call cannot pass its own fetch: a TypeError naming it, nothing sent", async () => {
    const { api, pay } = payWith(() => json({ message: {} }));
    const error = await fail(
      pay.POST("/v1/bill-payments", { body: billPayment, fetch: globalThis.fetch }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain("cannot pass its own fetch");
    expect(api.received).toHaveLength(0);
  });

  it("a middleware that replaces the Request keeps the payment's money-safety rules", async () => {
    const sandbox = await sandboxed();
    const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });
    pay.use({
      onRequest({ request }) {
        const headers = new Headers(request.headers);
        headers.set("x-trace", "t-1");
        return new Request(request, { headers });
      },
    });
    sandbox.injectFault("postBillPayment", { reset: "after" });
    const { originatorConversationId: _, ...body } = billPayment;
    const error = await fail(pay.POST("/v1/bill-payments", { body }));
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    const [recorded] = sandbox.transactions();
    expect(error).toMatchObject({ originatorConversationId: recorded!.originatorConversationId });
  });

  it("a client from one copy of the SDK and helpers from another agree on the generated id", async () => {
    const { sdk } = await importMinifiedSdk();
    const sandbox = await sandboxed();
    const pay = sdk.createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });
    const { originatorConversationId: _, ...body } = billPayment;
    const result = await pay.POST("/v1/bill-payments", { body });
    const id = sources.originatorConversationIdOf(result);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).toBe(sdk.originatorConversationIdOf(result));
    const duplicate = await fail(
      sources.unwrap(
        pay.POST("/v1/bill-payments", { body: { ...body, originatorConversationId: id! } }),
      ),
    );
    expect(duplicate).toMatchObject({
      name: "DuplicateIdError",
      originatorConversationId: id,
      path: "/v1/bill-payments",
    });
  });
});

describe("more careless input", () => {
  it.each([12345, {}, true, ""])("an id of %j is refused before sending", async (id) => {
    const { api, pay } = payWith(() => json({ message: {} }));
    const error = await fail(
      pay.POST("/v1/bill-payments", {
        body: { ...billPayment, originatorConversationId: id as never },
      }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toContain("body.originatorConversationId must be a non-empty string");
    expect(api.apiRequests()).toHaveLength(0);
  });

  it.each([
    ["transactionType given twice, one of them 2", { transactionType: 1, TransactionType: 2 }],
    ["transactionType as the text 02", { transactionType: "02" }],
  ])("%s counts as a payment", async (_, fields) => {
    const { pay } = payWith(
      () => new Response("<html/>", { headers: { "Content-Type": "text/html" } }),
    );
    const error = await fail(
      pay.POST("/v1/bill-payments", { body: { ...billPayment, ...fields } as never }),
    );
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
  });

  it("retry.statuses takes error statuses only: a success is never retried", () => {
    expect(() =>
      createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, retry: { statuses: [200, 503] } }),
    ).toThrow(/statuses must be a list of HTTP error statuses/);
  });

  it("a lookup given null options looks once", async () => {
    const { api, pay } = payWith(() => json({}));
    api.routes.set("GET /v1/bill-payments", () => json({ title: "Not Found", status: 404 }, 404));
    expect(await findPaymentOutcome(pay, "x", null as never)).toMatchObject({ state: "not-found" });
  });
});

describe("third round: proxies, stalled caches, refused tokens", () => {
  it("a payment sent through a per-call baseUrl and a replacing middleware keeps its id and its ambiguity", async () => {
    const sandbox = await sandboxed();
    // A reverse proxy under /gw, as a fetch that strips the prefix.
    const pay = createAlmaraPay({
      baseUrl: sandbox.url,
      ...sandbox.credentials,
      fetch: (request, init) =>
        globalThis.fetch(new Request(request.url.replace("/gw/", "/"), request), init),
    });
    pay.use({
      onRequest({ request }) {
        const headers = new Headers(request.headers);
        headers.set("x-trace", "t-1");
        return new Request(request, { headers });
      },
    });
    const { originatorConversationId: _, ...body } = billPayment;
    for (const fault of [
      { reset: "after" },
      { empty: true, contentType: null, after: true },
    ] as const) {
      sandbox.injectFault("postBillPayment", fault);
      const error = await fail(
        pay.POST("/v1/bill-payments", { body, baseUrl: `${sandbox.url}/gw` }),
      );
      expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
      const recorded = sandbox.transactions().at(-1)!;
      expect(error).toMatchObject({ originatorConversationId: recorded.originatorConversationId });
    }
    expect(sandbox.transactions()).toHaveLength(2);
  });

  it("a token cache whose delete stalls does not hold a call past the caller's abort", async () => {
    const sandbox = await sandboxed();
    const stored = new Map<string, sources.CachedToken>();
    const pay = createAlmaraPay({
      baseUrl: sandbox.url,
      ...sandbox.credentials,
      tokenCache: {
        get: (key) => stored.get(key),
        set: (key, token) => void stored.set(key, token),
        delete: () => new Promise<void>(() => undefined), // never settles
      },
    });
    await pay.GET("/v1/bill-services");
    sandbox.revokeTokens();
    const controller = new AbortController();
    const call = fail(
      pay.POST("/v1/payment-order/new-order", { body: payout(), signal: controller.signal }),
    );
    while (!sandbox.requests.some((r) => r.path === "/v1/payment-order/new-order")) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort(new Error("gave up"));
    expect(String(await call)).toContain("gave up");
    expect(sandbox.transactions()).toHaveLength(0);
  });

  it("a cache that keeps handing out the refused token is not believed: the replay gets a fresh one", async () => {
    const sandbox = await sandboxed();
    let stale: sources.CachedToken | undefined;
    const pay = createAlmaraPay({
      baseUrl: sandbox.url,
      ...sandbox.credentials,
      tokenCache: {
        get: () => stale,
        set: (_, token) => void (stale ??= token), // keeps the first token for ever
        delete: () => undefined,
      },
    });
    await pay.GET("/v1/bill-services");
    sandbox.revokeTokens();
    const result = await pay.POST("/v1/payment-order/new-order", { body: payout() });
    expect(result.response.status).toBe(202);
    expect(sandbox.transactions()).toHaveLength(1);
  });

  it("a payment refused with 401 twice is a refusal, not an unknown outcome", async () => {
    const { api, pay } = payWith(() => json({ message: {} }));
    api.routes.set("POST /v1/bill-payments", () => json({ error: "invalid_token" }, 401));
    const result = await pay.POST("/v1/bill-payments", { body: billPayment });
    expect(result.response.status).toBe(401);
    expect(api.apiRequests()).toHaveLength(2);
  });

  it("a token a header cannot carry is refused with an AuthenticationError that does not quote it", async () => {
    const api = createFakeApi();
    const token = "abc\ndef-a-secret-token-value";
    api.tokenHandler = () => json({ access_token: token, expires_in: 3600 });
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch });
    const error = await fail(pay.GET("/v1/bill-services"));
    expect(error).toMatchObject({ name: "AuthenticationError" });
    expect(JSON.stringify(error) + String(error)).not.toContain("def-a-secret");
    expect(api.apiRequests()).toHaveLength(0);
  });
});
