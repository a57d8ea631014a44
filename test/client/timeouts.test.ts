import { afterEach, describe, expect, it, vi } from "vitest";
import { TimeoutError, createAlmaraPay, isTimeoutError } from "../../src/index.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json } from "../support/fake-api.js";

/** An answer that arrives only when the request's signal gives up. */
function hang(request: Request): Promise<Response> {
  return new Promise((_, reject) => {
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
  });
}

/** A fetch that forwards the signal of its init onto the request, as real fetch honours it. */
function withSignal(api: ReturnType<typeof createFakeApi>) {
  return (input: Request, init?: RequestInit) => api.fetch(new Request(input, init), undefined);
}

afterEach(() => vi.useRealTimers());

describe("timeouts", () => {
  it("throws a TimeoutError naming method and path after the client default (30 s)", async () => {
    vi.useFakeTimers();
    const api = createFakeApi();
    api.routes.set("POST /v1/bill-numbers", hang);
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: withSignal(api) });
    const call = pay.POST("/v1/bill-numbers", {
      body: { serviceCode: "KE-ZUKU", accountNumber: "240065" },
    });
    const outcome = call.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(29_999);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ method: "POST", path: "/v1/bill-numbers", timeoutMs: 30_000 });
    expect((error as Error).message).toBe("POST /v1/bill-numbers timed out after 30000 ms");
  });

  it("honours a per-request timeoutMs", async () => {
    vi.useFakeTimers();
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", hang);
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      fetch: withSignal(api),
      timeoutMs: 60_000,
    });
    const outcome = pay
      .GET("/v1/bill-services", { timeoutMs: 500, retry: false })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await outcome).toMatchObject({
      name: "TimeoutError",
      timeoutMs: 500,
      path: "/v1/bill-services",
    });
  });

  it("gives every request a fresh timeout", async () => {
    vi.useFakeTimers();
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      fetch: withSignal(api),
      timeoutMs: 1000,
    });
    await pay.GET("/v1/bill-services");
    await vi.advanceTimersByTimeAsync(5000); // far past the first request's timeout
    const { response } = await pay.GET("/v1/bill-services");
    expect(response.status).toBe(200);
  });

  it("respects the caller's AbortSignal (an abort is not a timeout)", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", hang);
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: withSignal(api) });
    const controller = new AbortController();
    const outcome = pay
      .GET("/v1/bill-services", { signal: controller.signal })
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    controller.abort(new Error("user cancelled"));
    const error = await outcome;
    expect(isTimeoutError(error)).toBe(false);
    expect(error).toEqual(new Error("user cancelled"));
  });

  it("times out a body that stalls after the headers arrived", async () => {
    vi.useFakeTimers();
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", (request) => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("[{"));
          request.signal.addEventListener("abort", () => controller.error(request.signal.reason));
        },
      });
      return new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
    });
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      fetch: withSignal(api),
      timeoutMs: 2000,
      retry: false,
    });
    const outcome = pay.GET("/v1/bill-services").catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await outcome).toMatchObject({
      name: "TimeoutError",
      method: "GET",
      path: "/v1/bill-services",
    });
  });

  it("throws a NetworkError naming method and path when the connection fails", async () => {
    const pay = createAlmaraPay({
      baseUrl: "http://127.0.0.1:1",
      ...CREDENTIALS,
      fetch: (input) =>
        new URL(input.url).pathname === "/connect/token"
          ? Promise.resolve(
              json({ access_token: "eyJ.a-token-value", expires_in: 3600, token_type: "Bearer" }),
            )
          : Promise.reject(
              new TypeError("fetch failed", {
                cause: new Error("connect ECONNREFUSED 127.0.0.1:1"),
              }),
            ),
    });
    await expect(pay.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "NetworkError",
      method: "GET",
      path: "/v1/bill-services",
      message: "GET /v1/bill-services failed before an answer arrived: fetch failed",
    });
  });
});
