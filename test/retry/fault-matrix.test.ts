/**
 * The SDK on its worst days, against the sandbox's fault injection. Each scenario asserts the exact
 * outcome and, for payments, counts the POSTs the sandbox received: no payment is sent twice.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createAlmaraPay,
  findPaymentOutcome,
  isAmbiguousOutcomeError,
  isApiError,
  isDuplicateIdError,
  originatorConversationIdOf,
  unwrap,
  type AmbiguousOutcomeError,
} from "../../src/index.js";
import { billPayment } from "../support/fixtures.js";
import { SANDBOX_MODES, startHarness, useSandboxMode, type Harness } from "../support/sandbox.js";

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

/** Waits until `condition` holds (it watches the sandbox's log, not the clock). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function ambiguous(call: Promise<unknown>): Promise<AmbiguousOutcomeError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
  return error as AmbiguousOutcomeError;
}

describe.each(SANDBOX_MODES)("fault matrix, the sandbox %s", (sandboxMode) => {
  beforeAll(() => useSandboxMode(sandboxMode));
  afterAll(() => useSandboxMode("node:http"));

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

  it("9. 500 on a payment before it was recorded: no resend; the lookup says not recorded, resend with the same id", async () => {
    await harness();
    const body = newPayment();
    h!.sandbox.injectFault("postBillPayment", { status: 500 });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
    expect(paymentPosts()).toHaveLength(1);
    expect(await findPaymentOutcome(h!.pay, error.originatorConversationId!)).toMatchObject({
      state: "not-found",
      message: expect.stringMatching(/^not recorded after 0 s; resend with the same/),
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
    h!.sandbox.injectFault("postBillPayment", { hangMs: 60_000 });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body: newPayment() }));
    expect(error.cause).toMatchObject({ name: "TimeoutError", timeoutMs: 150 });
    h!.sandbox.releaseHangs();
    await until(() => paymentPosts()[0]?.status === 200);
    expect(paymentPosts()).toHaveLength(1);
    expect(h!.sandbox.transactions()).toHaveLength(1);
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

  it("17. tokens revoked in the middle of a burst: every call succeeds, one refresh per revocation", async () => {
    await harness();
    const results = [];
    for (let wave = 0; wave < 4; wave++) {
      const calls = Array.from({ length: 50 }, () => h!.pay.GET("/v1/bill-services"));
      // Revoked while the wave is in flight (the sandbox's explicit control, not a timer).
      h!.sandbox.revokeTokens();
      results.push(...(await Promise.all(calls)));
    }
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    const tokens = h!.sandbox.requests.filter((r) => r.path === "/connect/token").length;
    // The first token, and at most one fresh token per revocation: 50 replays share one request.
    expect(tokens).toBeGreaterThanOrEqual(2);
    expect(tokens).toBeLessThanOrEqual(5);
  });

  it("18. a reused originatorConversationId: a DuplicateIdError (no plain refusal), not retried, nothing paid twice", async () => {
    await harness();
    const body = newPayment();
    await unwrap(h!.pay.POST("/v1/bill-payments", { body }));
    const error = await unwrap(h!.pay.POST("/v1/bill-payments", { body })).catch((e: unknown) => e);
    expect(isDuplicateIdError(error)).toBe(true);
    expect(isApiError(error)).toBe(false);
    expect(error).toMatchObject({
      name: "DuplicateIdError",
      status: 400,
      originatorConversationId: body.originatorConversationId,
      message: expect.stringContaining("refused as a duplicate"),
    });
    expect(paymentPosts().map((r) => r.status)).toEqual([200, 400]);
  });

  it("19. a callback that never arrives: the lookup helper settles it", async () => {
    await harness({ settleDelayMs: 60_000 }); // settled by hand below, never by a timer
    const body = { ...newPayment(), callBackUrl: "http://127.0.0.1:9/never-listening" };
    await unwrap(h!.pay.POST("/v1/bill-payments", { body }));
    expect(await findPaymentOutcome(h!.pay, body.originatorConversationId)).toMatchObject({
      state: "pending",
    });
    // The lookup keeps polling while the payment settles (by hand, at once).
    const finding = findPaymentOutcome(h!.pay, body.originatorConversationId, {
      waitMs: 30_000,
      intervalMs: 50,
    });
    await h!.sandbox.settleAll();
    const outcome = await finding;
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
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
    const posts = paymentPosts();
    expect(posts.map((r) => [r.status, r.originatorConversationId])).toEqual([
      [500, body.originatorConversationId],
      [400, body.originatorConversationId],
    ]);
    // The API refused the resend as a duplicate: the first send landed, paid once.
    expect(error).toMatchObject({
      recorded: true,
      originatorConversationId: body.originatorConversationId,
    });
    expect(h!.sandbox.transactions()).toHaveLength(1);
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

  it("24. a timeout while the API is still working on the payment: the lookup polls through 404 until it is recorded", async () => {
    await harness({}, { timeoutMs: 150 });
    const body = newPayment();
    h!.sandbox.injectFault("postBillPayment", { hangMs: 60_000 });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
    const lookups = () =>
      reads("/v1/bill-payments").filter(
        (r) => r.originatorConversationId === body.originatorConversationId,
      );
    const finding = findPaymentOutcome(h!.pay, error.originatorConversationId!, {
      waitMs: 30_000,
      intervalMs: 10,
    });
    await until(() => lookups().filter((r) => r.status === 404).length >= 2);
    h!.sandbox.releaseHangs(); // the API finishes the payment after the client gave up
    const outcome = await finding;
    expect(outcome.state).toBe("completed");
    expect(lookups().at(-1)?.status).toBe(200);
    expect(h!.sandbox.transactions()).toEqual([
      { operationId: "postBillPayment", originatorConversationId: body.originatorConversationId },
    ]);
  });

  it("25. a lookup that finds nothing within waitMs says so, and tells to resend with the same id", async () => {
    await harness();
    const id = randomUUID();
    const outcome = await findPaymentOutcome(h!.pay, id, { waitMs: 200, intervalMs: 10 });
    expect(outcome).toMatchObject({
      state: "not-found",
      message: expect.stringMatching(
        new RegExp(
          `^not recorded after 0\\.[0-9] s; resend with the same originatorConversationId \\(${id}\\)`,
        ),
      ),
    });
    expect(outcome.state === "not-found" && outcome.waitedMs).toBeGreaterThanOrEqual(200);
    expect(reads("/v1/bill-payments").length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(outcome)).not.toMatch(/safe to try again|new id/i);
  });

  it.each([
    ["a reset after it was recorded", { reset: "after" } as const, [-1, 400]],
    ["a 503 after it was recorded", { status: 503, after: true } as const, [503, 400]],
  ])(
    "26. an unsafe resend after %s meets the duplicate refusal: ambiguous and recorded, never a refusal",
    async (_, fault, statuses) => {
      await harness({}, { retry: { baseDelayMs: 5, unsafe: true } });
      const body = newPayment();
      h!.sandbox.injectFault("postBillPayment", fault);
      const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
      expect(error).toMatchObject({
        recorded: true,
        originatorConversationId: body.originatorConversationId,
        message: expect.stringContaining("refused the resend as a duplicate"),
      });
      expect(paymentPosts().map((r) => r.status)).toEqual(statuses);
      expect(h!.sandbox.transactions()).toHaveLength(1);
      const outcome = await findPaymentOutcome(h!.pay, body.originatorConversationId, {
        waitMs: 3000,
        intervalMs: 10,
      });
      expect(outcome.state).toBe("completed");
    },
  );

  it("27. the 401 replay of a payment that was recorded meets the duplicate refusal: ambiguous and recorded", async () => {
    await harness();
    const body = newPayment();
    h!.sandbox.injectFault("postBillPayment", { status: 401, after: true });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
    expect(error).toMatchObject({
      recorded: true,
      originatorConversationId: body.originatorConversationId,
    });
    expect(paymentPosts().map((r) => r.status)).toEqual([401, 400]);
    expect(h!.sandbox.transactions()).toHaveLength(1);
  });

  it.each([
    ["HTML", { raw: "<html><body>OK</body></html>", contentType: "text/html" }],
    ["text", { raw: "Accepted", contentType: "text/plain" }],
    ["XML", { raw: "<ok/>", contentType: "application/xml" }],
    ["an empty body with no content type", { empty: true, contentType: null }],
    ["JSON null", { raw: "null", contentType: "application/json" }],
  ] as const)(
    "28. a 2xx answer of %s: InvalidResponseError on a read, ambiguous with the id on a payment",
    async (_, fault) => {
      await harness();
      h!.sandbox.injectFault("findBillServices", fault);
      await expect(h!.pay.GET("/v1/bill-services")).rejects.toMatchObject({
        name: "InvalidResponseError",
        status: 200,
      });
      const body = newPayment();
      h!.sandbox.injectFault("postBillPayment", { ...fault, after: true });
      const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
      expect(error).toMatchObject({
        originatorConversationId: body.originatorConversationId,
        cause: { name: "InvalidResponseError" },
      });
      expect(paymentPosts()).toHaveLength(1);
    },
  );

  it("29. an answer over maxResponseBytes: cut off, InvalidResponseError on a read, ambiguous on a payment", async () => {
    await harness({}, { maxResponseBytes: 64 * 1024 });
    h!.sandbox.injectFault("findBillServices", { oversized: 50 * 1024 * 1024 });
    await expect(h!.pay.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "InvalidResponseError",
      message: expect.stringContaining("over maxResponseBytes (65536)"),
    });
    // A call can raise or lower its own limit.
    await unwrap(h!.pay.GET("/v1/bill-services", { maxResponseBytes: 1024 * 1024 }));
    h!.sandbox.injectFault("findBillServices", { oversized: 16 * 1024 });
    await expect(h!.pay.GET("/v1/bill-services", { maxResponseBytes: 1024 })).rejects.toMatchObject(
      { name: "InvalidResponseError" },
    );
    const body = newPayment();
    h!.sandbox.injectFault("postBillPayment", { oversized: 50 * 1024 * 1024, after: true });
    const error = await ambiguous(h!.pay.POST("/v1/bill-payments", { body }));
    expect(error.cause).toMatchObject({ name: "InvalidResponseError" });
    expect(h!.sandbox.transactions()).toHaveLength(1);
  });

  it("30. an abort while the token is being fetched ends that call only; the shared token request goes on", async () => {
    await harness();
    h!.sandbox.injectFault("requestToken", { hangMs: 60_000 });
    const controller = new AbortController();
    const aborted = h!.pay.GET("/v1/bill-services", { signal: controller.signal });
    const patient = h!.pay.GET("/v1/bill-services");
    await until(() => h!.sandbox.requests.some((r) => r.path === "/connect/token"));
    controller.abort(new Error("the user left"));
    await expect(aborted).rejects.toThrow("the user left");
    expect(reads("/v1/bill-services")).toHaveLength(0);
    h!.sandbox.releaseHangs();
    expect((await patient).response.status).toBe(200);
    expect(h!.sandbox.requests.filter((r) => r.path === "/connect/token")).toHaveLength(1);
  });

  it("31. an abort during a backoff wait: a read rejects with the abort; a payment that may have landed is ambiguous", async () => {
    await harness({}, { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    h!.sandbox.injectFault("findBillServices", { status: 503 });
    const controller = new AbortController();
    const read = h!.pay.GET("/v1/bill-services", { signal: controller.signal });
    await until(() => reads("/v1/bill-services").length === 1);
    controller.abort(new Error("stop reading"));
    await expect(read).rejects.toThrow("stop reading");
    expect(reads("/v1/bill-services")).toHaveLength(1);

    const body = newPayment();
    h!.sandbox.injectFault("postBillPayment", { status: 503, after: true });
    const paying = new AbortController();
    const payment = h!.pay.POST("/v1/bill-payments", {
      body,
      signal: paying.signal,
      retry: { unsafe: true, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    await until(() => paymentPosts().length === 1 && paymentPosts()[0]!.status === 503);
    paying.abort(new Error("stop paying"));
    const error = await ambiguous(payment);
    expect(error).toMatchObject({
      originatorConversationId: body.originatorConversationId,
      cause: { message: "stop paying" },
    });
    expect(paymentPosts()).toHaveLength(1);
  });
});
