/**
 * The SDK on its worst days, against the sandbox's fault injection. Each scenario asserts the exact
 * outcome and, for payments, counts the POSTs the sandbox received: no payment is sent twice.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  createAlmaraPay,
  findPaymentOutcome,
  isAmbiguousOutcomeError,
  originatorConversationIdOf,
  unwrap,
  type AmbiguousOutcomeError,
} from "../../src/index.js";
import { billPayment } from "../support/fixtures.js";
import { startHarness, type Harness } from "../support/sandbox.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.sandbox.close();
  h = undefined;
});

/** A client with fast retries, so the matrix runs in seconds. */
async function harness(
  sandbox: Parameters<typeof startHarness>[0] = {},
  client: Parameters<typeof startHarness>[1] = {},
) {
  h = await startHarness(sandbox, {
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 2000,
    ...client,
  });
  return h;
}

const paymentPosts = () =>
  h!.sandbox.requests.filter((r) => r.method === "POST" && r.path === "/v1/bill-payments");
const reads = (path: string) =>
  h!.sandbox.requests.filter((r) => r.method === "GET" && r.path === path);
const newPayment = () => ({ ...billPayment, originatorConversationId: randomUUID() });

async function ambiguous(call: Promise<unknown>): Promise<AmbiguousOutcomeError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
  return error as AmbiguousOutcomeError;
}

describe("fault matrix", () => {
  it("1. token endpoint 500: AuthenticationError, nothing sent", async () => {
    await harness();
    h!.sandbox.injectFault("requestToken", { status: 500 });
    await expect(h!.pay.POST("/v1/bill-payments", { body: newPayment() })).rejects.toMatchObject({
      name: "AuthenticationError",
      status: 500,
    });
    expect(paymentPosts()).toHaveLength(0);
  });

  it("2. token endpoint timeout: AuthenticationError caused by a TimeoutError", async () => {
    await harness({}, { timeoutMs: 100 });
    h!.sandbox.injectFault("requestToken", { hangMs: 400 });
    const error = await h!.pay.GET("/v1/bill-services").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AuthenticationError", cause: { name: "TimeoutError" } });
    expect(reads("/v1/bill-services")).toHaveLength(0);
  });

  it("3. token endpoint invalid_client: AuthenticationError with the OAuth code", async () => {
    await harness();
    const wrong = createAlmaraPay({
      baseUrl: h!.sandbox.url,
      clientId: "sandbox-client",
      clientSecret: "not-the-secret",
    });
    await expect(wrong.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "AuthenticationError",
      oauthError: "invalid_client",
      status: 401,
    });
  });

  it("4. 401 mid-session: the payment is replayed once with a fresh token and made once", async () => {
    await harness();
    await unwrap(h!.pay.GET("/v1/bill-services"));
    h!.sandbox.revokeTokens();
    await unwrap(h!.pay.POST("/v1/bill-payments", { body: newPayment() }));
    expect(paymentPosts().map((r) => r.status)).toEqual([401, 200]);
  });

  it("5. 429 with Retry-After on a read: waits as asked, then succeeds", async () => {
    await harness();
    h!.sandbox.injectFault("findBillServices", { status: 429, retryAfter: 1 });
    const started = Date.now();
    await unwrap(h!.pay.GET("/v1/bill-services"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(reads("/v1/bill-services").map((r) => r.status)).toEqual([429, 200]);
  });

  it("6. 429 asking for longer than maxRetryAfterMs: not retried, answered to the caller", async () => {
    await harness({}, { retry: { maxRetryAfterMs: 500 } });
    h!.sandbox.injectFault("findBillServices", { status: 429, retryAfter: 60 });
    const { response } = await h!.pay.GET("/v1/bill-services");
    expect([response.status, response.headers.get("retry-after")]).toEqual([429, "60"]);
    expect(reads("/v1/bill-services")).toHaveLength(1);
  });

  it("7. 503 then success on a read", async () => {
    await harness();
    h!.sandbox.injectFault("findBillServices", { status: 503 });
    expect((await h!.pay.GET("/v1/bill-services")).response.status).toBe(200);
    expect(reads("/v1/bill-services").map((r) => r.status)).toEqual([503, 200]);
  });

  it("8. 500 on a payment after it was recorded: no resend, ambiguous error with the id, lookup finds it paid", async () => {
    await harness();
    const body = newPayment();
    h!.sandbox.injectFault("postBillPayment", { status: 500, after: true });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
    expect(error).toMatchObject({
      status: 500,
      originatorConversationId: body.originatorConversationId,
    });
    expect(paymentPosts()).toHaveLength(1);
    const outcome = await findPaymentOutcome(h!.pay, error.originatorConversationId!, {
      waitMs: 3000,
      intervalMs: 20,
    });
    expect(outcome).toMatchObject({ state: "completed", result: { code: 0, action: "none" } });
  });

  it("9. 500 on a payment before it was recorded: no resend; lookup says it was never made", async () => {
    await harness();
    const body = newPayment();
    h!.sandbox.injectFault("postBillPayment", { status: 500 });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
    expect(paymentPosts()).toHaveLength(1);
    expect(await findPaymentOutcome(h!.pay, error.originatorConversationId!)).toEqual({
      state: "not-found",
    });
  });

  it("10. connection refused before any byte was sent: the payment is resent safely, once recorded", async () => {
    await harness();
    let refused = 0;
    const realFetch = globalThis.fetch;
    const pay = createAlmaraPay({
      baseUrl: h!.sandbox.url,
      ...h!.sandbox.credentials,
      retry: { baseDelayMs: 5 },
      fetch: (request, init) => {
        if (
          request.method === "POST" &&
          request.url.endsWith("/v1/bill-payments") &&
          refused++ === 0
        ) {
          return Promise.reject(
            new TypeError("fetch failed", {
              cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
            }),
          );
        }
        return realFetch(request, init);
      },
    });
    await unwrap(pay.POST("/v1/bill-payments", { body: newPayment() }));
    expect(refused).toBe(2);
    expect(paymentPosts().map((r) => r.status)).toEqual([200]);
  });

  it("11. connection reset after the payment was sent: ambiguous, not resent, lookup settles it", async () => {
    await harness();
    h!.sandbox.injectFault("postBillPayment", { reset: "after" });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body: newPayment() }));
    expect(error.cause).toMatchObject({ name: "NetworkError", requestSent: true });
    expect(paymentPosts()).toHaveLength(1);
    expect(
      (
        await findPaymentOutcome(h!.pay, error.originatorConversationId!, {
          waitMs: 3000,
          intervalMs: 20,
        })
      ).state,
    ).toBe("completed");
  });

  it("12. connection reset on a read: retried", async () => {
    await harness();
    h!.sandbox.injectFault("findBillServices", { reset: "before" });
    expect((await h!.pay.GET("/v1/bill-services")).response.status).toBe(200);
    expect(reads("/v1/bill-services").map((r) => r.status)).toEqual([-1, 200]);
  });

  it("13. a payment answer that hangs past the timeout: ambiguous (cause TimeoutError), not resent", async () => {
    await harness({}, { timeoutMs: 150 });
    h!.sandbox.injectFault("postBillPayment", { hangMs: 500 });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body: newPayment() }));
    expect(error.cause).toMatchObject({ name: "TimeoutError", timeoutMs: 150 });
    await new Promise((r) => setTimeout(r, 500));
    expect(paymentPosts()).toHaveLength(1);
  });

  it("14. malformed JSON: InvalidResponseError on a read; ambiguous on a payment", async () => {
    await harness();
    h!.sandbox.injectFault("findBillServices", { malformed: true });
    await expect(h!.pay.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "InvalidResponseError",
      status: 200,
    });
    h!.sandbox.injectFault("postBillPayment", { malformed: true });
    await ambiguous(h!.pay.POST("/v1/bill-payments", { body: newPayment() }));
    expect(paymentPosts()).toHaveLength(1);
  });

  it("15. an HTML error page: retried on a read; an ApiError of kind unknown when it persists", async () => {
    await harness();
    h!.sandbox.injectFault("findBillServices", { html: 502 });
    expect((await h!.pay.GET("/v1/bill-services")).response.status).toBe(200);
    h!.sandbox.injectFault("findBillServices", { html: 502 }, 3);
    await expect(unwrap(h!.pay.GET("/v1/bill-services"))).rejects.toMatchObject({
      name: "ApiError",
      status: 502,
      kind: "unknown",
    });
  });

  it("16. an empty body: InvalidResponseError", async () => {
    await harness();
    h!.sandbox.injectFault("findBillServices", { empty: true });
    await expect(h!.pay.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "InvalidResponseError",
      message: "GET /v1/bill-services answered 200 with an empty body",
    });
  });

  it("17. token expiry in the middle of a burst: every call succeeds, few token requests", async () => {
    await harness({ tokenLifetimeSeconds: 1 });
    const results = [];
    for (let wave = 0; wave < 4; wave++) {
      results.push(
        ...(await Promise.all(Array.from({ length: 50 }, () => h!.pay.GET("/v1/bill-services")))),
      );
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    const tokens = h!.sandbox.requests.filter((r) => r.path === "/connect/token").length;
    expect(tokens).toBeGreaterThanOrEqual(2);
    expect(tokens).toBeLessThanOrEqual(5);
  });

  it("18. a duplicate originatorConversationId: refused as the API does, not retried, nothing paid twice", async () => {
    await harness();
    const body = newPayment();
    await unwrap(h!.pay.POST("/v1/bill-payments", { body }));
    const error = await unwrap(h!.pay.POST("/v1/bill-payments", { body })).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "ApiError",
      status: 400,
      kind: "domain",
      originatorConversationId: body.originatorConversationId,
    });
    expect(paymentPosts().map((r) => r.status)).toEqual([200, 400]);
  });

  it("19. a callback that never arrives: the lookup helper settles it", async () => {
    await harness({ settleDelayMs: 200 });
    const body = { ...newPayment(), callBackUrl: "http://127.0.0.1:9/never-listening" };
    await unwrap(h!.pay.POST("/v1/bill-payments", { body }));
    expect(await findPaymentOutcome(h!.pay, body.originatorConversationId)).toMatchObject({
      state: "pending",
    });
    const outcome = await findPaymentOutcome(h!.pay, body.originatorConversationId, {
      waitMs: 5000,
      intervalMs: 50,
    });
    expect(outcome).toMatchObject({
      state: "completed",
      record: { receiptNumber: expect.stringMatching(/^SBX/) },
    });
    expect(h!.sandbox.callbacks[0]).toMatchObject({
      url: body.callBackUrl,
      error: expect.any(String),
    });
  });

  it("20. a declined payment: failed, with the result code's advice", async () => {
    await harness();
    const body = { ...newPayment(), accountNumber: "2222222" };
    await unwrap(h!.pay.POST("/v1/bill-payments", { body }));
    const outcome = await findPaymentOutcome(h!.pay, body.originatorConversationId, {
      waitMs: 3000,
      intervalMs: 20,
    });
    expect(outcome).toMatchObject({
      state: "failed",
      result: { code: 18, meaning: "Declined", action: "do-not-retry" },
    });
  });

  it("21. 429 on a payment: not retried (it would take the caller's opt-in)", async () => {
    await harness();
    h!.sandbox.injectFault("postBillPayment", { status: 429, retryAfter: 1 });
    const { response } = await h!.pay.POST("/v1/bill-payments", { body: newPayment() });
    expect(response.status).toBe(429);
    expect(paymentPosts()).toHaveLength(1);
  });

  it("22. opting in to unsafe retries resends a payment with the same id, never a new one", async () => {
    await harness({}, { retry: { baseDelayMs: 5, unsafe: true } });
    const body = newPayment();
    h!.sandbox.injectFault("postBillPayment", { status: 500, after: true });
    const result = await h!.pay.POST("/v1/bill-payments", { body });
    const posts = paymentPosts();
    expect(posts.map((r) => [r.status, r.originatorConversationId])).toEqual([
      [500, body.originatorConversationId],
      [400, body.originatorConversationId],
    ]);
    expect(result.response.status).toBe(400); // the API refused the duplicate: paid once
  });

  it("23. a generated originatorConversationId is readable from the result and from an error", async () => {
    await harness();
    const { originatorConversationId: _, ...withoutId } = newPayment();
    const result = await h!.pay.POST("/v1/bill-payments", { body: withoutId });
    const generated = originatorConversationIdOf(result);
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.data?.message.originatorConversationId).toBe(generated);
    h!.sandbox.injectFault("postBillPayment", { status: 500 });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body: withoutId }));
    expect(error.originatorConversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.originatorConversationId).not.toBe(generated);
  });
});
