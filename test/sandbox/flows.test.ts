/**
 * Stateful flows over real HTTP: a payment moving from pending to completed or failed with its
 * callback, token expiry mid-run, the 401 replay, and fault injection.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { unwrap } from "../../src/index.js";
import { billPayment } from "../support/fixtures.js";
import {
  SANDBOX_MODES,
  startHarness,
  startReceiver,
  useSandboxMode,
  type Harness,
  type Receiver,
} from "../support/sandbox.js";

let h: Harness | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await h?.sandbox.close();
  await receiver?.close();
  h = receiver = undefined;
});

describe.each(SANDBOX_MODES)("the sandbox %s", (sandboxMode) => {
  beforeAll(() => useSandboxMode(sandboxMode));
  afterAll(() => useSandboxMode("node:http"));

  describe("bill payment lifecycle", () => {
    it("moves pending → completed and POSTs the callback to callBackUrl", async () => {
      // Settled by hand, never by a timer: the pending state is looked at while it surely holds.
      h = await startHarness({ settleDelayMs: 60_000 });
      receiver = await startReceiver();
      const body = {
        ...billPayment,
        originatorConversationId: randomUUID(),
        callBackUrl: receiver.url,
      };
      const query = {
        params: { query: { OriginatorConversationId: body.originatorConversationId } },
      };
      const callback = receiver.next();
      await unwrap(h.pay.POST("/v1/bill-payments", { body }));

      const pending = await unwrap(h.pay.GET("/v1/bill-payments", query));
      expect(pending).toMatchObject({
        status: 0,
        transactionStatusDescription: "Pending",
        receiptNumber: null,
      });

      await h.sandbox.settleAll();
      expect(await callback).toMatchObject({
        originatorConversationId: body.originatorConversationId,
        status: 4,
        statusCode: 0,
        statusDescription: "Success",
        receiptNumber: expect.stringMatching(/^SBX/),
      });
      const completed = await unwrap(h.pay.GET("/v1/bill-payments", query));
      expect(completed).toEqual(receiver.received[0]);
      expect(h.sandbox.callbacks).toEqual([
        { url: receiver.url, originatorConversationId: body.originatorConversationId, status: 200 },
      ]);
      expect(h.contract.violations).toEqual([]);
    });

    it("fails payments to a designated declining account", async () => {
      h = await startHarness();
      receiver = await startReceiver();
      const body = {
        ...billPayment,
        accountNumber: "2222222",
        originatorConversationId: randomUUID(),
        callBackUrl: receiver.url,
      };
      const callback = receiver.next();
      await unwrap(h.pay.POST("/v1/bill-payments", { body }));
      expect(await callback).toMatchObject({
        status: 5,
        statusCode: 18,
        statusDescription: "Declined",
      });
    });

    it("does not post callbacks off this machine unless told to", async () => {
      h = await startHarness();
      const body = {
        ...billPayment,
        originatorConversationId: randomUUID(),
        callBackUrl: "https://merchant.example.com/cb",
      };
      await unwrap(h.pay.POST("/v1/bill-payments", { body }));
      await h.sandbox.settleAll();
      expect(h.sandbox.callbacks).toEqual([
        {
          url: "https://merchant.example.com/cb",
          originatorConversationId: body.originatorConversationId,
          error: "host merchant.example.com is not in callbackHosts",
        },
      ]);
    });

    it("logs every request with its status and originatorConversationId", async () => {
      h = await startHarness();
      const body = { ...billPayment, originatorConversationId: randomUUID() };
      await unwrap(h.pay.POST("/v1/bill-payments", { body }));
      expect(h.sandbox.requests).toEqual([
        { method: "POST", path: "/connect/token", status: 200, operationId: "requestToken" },
        {
          method: "POST",
          path: "/v1/bill-payments",
          status: 200,
          operationId: "postBillPayment",
          originatorConversationId: body.originatorConversationId,
        },
      ]);
    });
  });

  describe("tokens over HTTP", () => {
    it("keeps working when tokens expire during a run (short lifetime)", async () => {
      h = await startHarness({ tokenLifetimeSeconds: 1 });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await h.pay.GET("/v1/bill-services")).response.status);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      expect(
        h.sandbox.requests.filter((r) => r.path === "/connect/token").length,
      ).toBeGreaterThanOrEqual(3);
    });

    it("replays a call once after a 401 and succeeds with a fresh token", async () => {
      h = await startHarness();
      await unwrap(h.pay.GET("/v1/bill-services"));
      h.sandbox.revokeTokens();
      const body = { ...billPayment, originatorConversationId: randomUUID() };
      await unwrap(h.pay.POST("/v1/bill-payments", { body }));
      expect(h.sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        "POST /connect/token 200",
        "GET /v1/bill-services 200",
        "POST /v1/bill-payments 401",
        "POST /connect/token 200",
        "POST /v1/bill-payments 200",
      ]);
    });
  });

  describe("fault injection", () => {
    it("answers an injected status with Retry-After for the next N requests only", async () => {
      h = await startHarness({}, { retry: false });
      h.sandbox.injectFault("findBillServices", { status: 503, retryAfter: 2 }, 2);
      const first = await h.pay.GET("/v1/bill-services");
      const second = await h.pay.GET("/v1/bill-services");
      const third = await h.pay.GET("/v1/bill-services");
      expect([first.response.status, second.response.status, third.response.status]).toEqual([
        503, 503, 200,
      ]);
      expect(first.response.headers.get("retry-after")).toBe("2");
    });

    it("hangs, resets, and answers malformed, empty or HTML bodies on demand", async () => {
      h = await startHarness({}, { retry: false });
      h.sandbox.injectFault("GET /v1/bill-services", { hangMs: 300 });
      await expect(h.pay.GET("/v1/bill-services", { timeoutMs: 100 })).rejects.toMatchObject({
        name: "TimeoutError",
      });
      h.sandbox.injectFault("findBillServices", { reset: "before" });
      await expect(h.pay.GET("/v1/bill-services")).rejects.toMatchObject({ name: "NetworkError" });
      h.sandbox.injectFault("findBillServices", { malformed: true });
      await expect(h.pay.GET("/v1/bill-services")).rejects.toMatchObject({
        name: "InvalidResponseError",
        message: "GET /v1/bill-services answered 200 with a body that is not valid JSON",
      });
      h.sandbox.injectFault("findBillServices", { empty: true });
      await expect(h.pay.GET("/v1/bill-services")).rejects.toMatchObject({
        name: "InvalidResponseError",
        message: "GET /v1/bill-services answered 200 with an empty body",
      });
      h.sandbox.injectFault("findBillServices", { html: 502 });
      const html = await h.pay.GET("/v1/bill-services");
      expect([html.response.status, html.error]).toEqual([
        502,
        "<html><body><h1>Service Unavailable</h1></body></html>",
      ]);
    });

    it("can fail a payment after storing it (reset or 500 after handling)", async () => {
      h = await startHarness();
      const body = { ...billPayment, originatorConversationId: randomUUID() };
      h.sandbox.injectFault("postBillPayment", { reset: "after" });
      await expect(h.pay.POST("/v1/bill-payments", { body })).rejects.toMatchObject({
        name: "AmbiguousOutcomeError",
        originatorConversationId: body.originatorConversationId,
      });
      const stored = await h.pay.GET("/v1/bill-payments", {
        params: { query: { OriginatorConversationId: body.originatorConversationId } },
      });
      expect(stored.response.status).toBe(200);

      const second = { ...billPayment, originatorConversationId: randomUUID() };
      h.sandbox.injectFault("postBillPayment", { status: 500, after: true });
      await expect(h.pay.POST("/v1/bill-payments", { body: second })).rejects.toMatchObject({
        name: "AmbiguousOutcomeError",
        status: 500,
        originatorConversationId: second.originatorConversationId,
      });
      const found = await h.pay.GET("/v1/bill-payments", {
        params: { query: { OriginatorConversationId: second.originatorConversationId } },
      });
      expect(found.response.status).toBe(200);
    });
  });
});
