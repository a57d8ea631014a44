/**
 * Answers the SDK cannot read: bounded by maxResponseBytes without buffering the rest, and typed
 * as InvalidResponseError (AmbiguousOutcomeError for a payment), never a bare SyntaxError or
 * `data: undefined`.
 */
import { describe, expect, it } from "vitest";
import {
  createAlmaraPay,
  isAmbiguousOutcomeError,
  isInvalidResponseError,
} from "../../src/index.js";
import { billPayment } from "../support/fixtures.js";
import { BASE_URL, CREDENTIALS, createFakeApi, type Handler } from "../support/fake-api.js";

function payWith(handler: Handler, options: { maxResponseBytes?: number } = {}) {
  const api = createFakeApi();
  api.routes.set("GET /v1/bill-services", handler);
  api.routes.set("POST /v1/bill-payments", handler);
  const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch, ...options });
  return { api, pay };
}

/** An endless answer that counts how much of it was pulled. */
function endless(chunkBytes = 16 * 1024) {
  const pulled = { bytes: 0, cancelled: false };
  const chunk = new Uint8Array(chunkBytes).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      pulled.cancelled = true;
    },
  });
  return {
    pulled,
    response: () => new Response(stream, { headers: { "Content-Type": "application/json" } }),
  };
}

describe("maxResponseBytes", () => {
  it("cuts an endless answer off at the limit and cancels the rest", async () => {
    const { pulled, response } = endless();
    const { pay } = payWith(response, { maxResponseBytes: 100 * 1024 });
    const error = await pay.GET("/v1/bill-services").catch((e: unknown) => e);
    expect(isInvalidResponseError(error)).toBe(true);
    expect(error).toMatchObject({
      status: 200,
      message:
        "GET /v1/bill-services answered 200 with an answer of more than 102400 bytes, over maxResponseBytes (102400)",
    });
    expect(pulled.cancelled).toBe(true);
    // The stream queues at most a chunk or two ahead of the reader.
    expect(pulled.bytes).toBeLessThanOrEqual(100 * 1024 + 3 * 16 * 1024);
  });

  it("refuses an answer that declares a longer Content-Length without reading it", async () => {
    const { pulled, response } = endless();
    const { pay } = payWith(() => {
      const answer = response();
      return new Response(answer.body, {
        headers: { "Content-Type": "application/json", "Content-Length": String(20 * 1024 * 1024) },
      });
    });
    await expect(pay.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "InvalidResponseError",
      message: expect.stringContaining(
        "an answer of 20971520 bytes, over maxResponseBytes (10485760)",
      ),
    });
    expect(pulled.bytes).toBeLessThanOrEqual(2 * 16 * 1024);
  });

  it("applies to error answers too, and to a payment as an ambiguous outcome with its id", async () => {
    const response = () => endless().response();
    const { pay } = payWith(
      (request) =>
        request.method === "GET" ? new Response(response().body, { status: 500 }) : response(),
      { maxResponseBytes: 4096 },
    );
    await expect(pay.GET("/v1/bill-services", { retry: false })).rejects.toMatchObject({
      name: "InvalidResponseError",
      status: 500,
    });
    const error = await pay
      .POST("/v1/bill-payments", { body: billPayment })
      .catch((e: unknown) => e);
    expect(isAmbiguousOutcomeError(error)).toBe(true);
    expect(error).toMatchObject({
      originatorConversationId: billPayment.originatorConversationId,
      cause: { name: "InvalidResponseError" },
    });
  });

  it.each([0, -1, 1.5, "10", Number.NaN, 2 ** 31])(
    "refuses %s as a client or per-call limit, naming it",
    async (value) => {
      expect(() =>
        createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, maxResponseBytes: value as number }),
      ).toThrow(/options\.maxResponseBytes must be an integer/);
      const { api, pay } = payWith(() => new Response("{}"));
      await expect(
        pay.GET("/v1/bill-services", { maxResponseBytes: value as number }),
      ).rejects.toThrow(/maxResponseBytes must be an integer/);
      expect(api.apiRequests()).toHaveLength(0);
    },
  );
});

describe("unreadable 2xx answers", () => {
  const bodies: [string, () => Response][] = [
    [
      "an HTML page",
      () => new Response("<html>ok</html>", { headers: { "Content-Type": "text/html" } }),
    ],
    ["plain text", () => new Response("Accepted", { headers: { "Content-Type": "text/plain" } })],
    ["XML", () => new Response("<ok/>", { headers: { "Content-Type": "application/xml" } })],
    ["an empty body with no content type", () => new Response(null, { status: 200 })],
    [
      "an empty body with Content-Length 0",
      () => new Response("", { headers: { "Content-Length": "0" } }),
    ],
    [
      "truncated JSON",
      () => new Response('{"message": {', { headers: { "Content-Type": "application/json" } }),
    ],
    [
      "JSON that is a string",
      () => new Response('"ok"', { headers: { "Content-Type": "application/json" } }),
    ],
    ["JSON with no content type", () => new Response('{"message"', {})],
  ];

  it.each(bodies)("%s: InvalidResponseError on a read", async (_, answer) => {
    const { pay } = payWith(answer);
    const error = await pay.GET("/v1/bill-services").catch((e: unknown) => e);
    expect(isInvalidResponseError(error), String(error)).toBe(true);
  });

  it.each(bodies)("%s: AmbiguousOutcomeError with the id on a payment", async (_, answer) => {
    const { pay } = payWith(answer);
    const error = await pay
      .POST("/v1/bill-payments", { body: billPayment })
      .catch((e: unknown) => e);
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ originatorConversationId: billPayment.originatorConversationId });
  });

  it("reads valid JSON labelled text/plain (some clients ask for text/plain and get JSON)", async () => {
    const { pay } = payWith(
      () => new Response('{"services":[]}', { headers: { "Content-Type": "text/plain" } }),
    );
    expect((await pay.GET("/v1/bill-services")).data).toEqual({ services: [] });
  });

  it("leaves a read the caller asked as text alone", async () => {
    const { pay } = payWith(
      () => new Response("<html/>", { headers: { "Content-Type": "text/html" } }),
    );
    expect((await pay.GET("/v1/bill-services", { parseAs: "text" })).data).toBe("<html/>");
  });
});
