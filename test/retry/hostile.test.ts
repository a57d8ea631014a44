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
import { billPayment, payout } from "../support/fixtures.js";
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
        response.end(JSON.stringify({ access_token: `tok-${++token}-abcdef`, expires_in: 3600 }));
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
