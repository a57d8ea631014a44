import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_RETRY, createAlmaraPay, type RetryOptions } from "../../src/index.js";
import { retryAfterMs } from "../../src/pipeline/retry.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json } from "../support/fake-api.js";

afterEach(() => vi.useRealTimers());

function payWith(
  statuses: number[],
  retry?: RetryOptions | false,
  headers: Record<string, string> = {},
) {
  const api = createFakeApi();
  let call = 0;
  api.routes.set("GET /v1/bill-services", () => {
    const status = statuses[Math.min(call++, statuses.length - 1)]!;
    return status === 200 ? json([]) : json({ title: "x", status }, status, headers);
  });
  api.routes.set("POST /v1/bill-numbers", () => json({ title: "x", status: 503 }, 503));
  const pay = createAlmaraPay({
    baseUrl: BASE_URL,
    ...CREDENTIALS,
    fetch: api.fetch,
    ...(retry === undefined ? {} : { retry }),
  });
  return { api, pay, calls: () => api.apiRequests().length };
}

describe("retry policy", () => {
  it("has one frozen defaults object: 2 retries of 408/429/500/502/503/504", () => {
    expect(DEFAULT_RETRY).toEqual({
      retries: 2,
      baseDelayMs: 250,
      maxDelayMs: 5000,
      maxRetryAfterMs: 30000,
      statuses: [408, 429, 500, 502, 503, 504],
      unsafe: false,
    });
    expect(Object.isFrozen(DEFAULT_RETRY)).toBe(true);
  });

  it.each([408, 429, 500, 502, 503, 504])("retries a read answered %i", async (status) => {
    const { pay, calls } = payWith([status, 200], { baseDelayMs: 1 });
    expect((await pay.GET("/v1/bill-services")).response.status).toBe(200);
    expect(calls()).toBe(2);
  });

  it.each([400, 404, 409, 501])("does not retry %i", async (status) => {
    const { pay, calls } = payWith([status, 200], { baseDelayMs: 1 });
    expect((await pay.GET("/v1/bill-services")).response.status).toBe(status);
    expect(calls()).toBe(1);
  });

  it("gives up after `retries` retries and answers the last response", async () => {
    const { pay, calls } = payWith([503], { retries: 3, baseDelayMs: 1 });
    expect((await pay.GET("/v1/bill-services")).response.status).toBe(503);
    expect(calls()).toBe(4);
  });

  it("retry: false, per client or per call, sends once", async () => {
    const off = payWith([503, 200], false);
    expect((await off.pay.GET("/v1/bill-services")).response.status).toBe(503);
    const perCall = payWith([503, 200], { baseDelayMs: 1 });
    expect((await perCall.pay.GET("/v1/bill-services", { retry: false })).response.status).toBe(
      503,
    );
    expect([off.calls(), perCall.calls()]).toEqual([1, 1]);
  });

  it("a per-call retry overrides the client's", async () => {
    const { pay, calls } = payWith([503], { retries: 0 });
    await pay.GET("/v1/bill-services", { retry: { retries: 2, baseDelayMs: 1 } });
    expect(calls()).toBe(3);
  });

  it("does not resend a POST that may have reached the server", async () => {
    const { pay, calls } = payWith([200], { baseDelayMs: 1 });
    const { response } = await pay.POST("/v1/bill-numbers", {
      body: { serviceCode: "KE-ZUKU", accountNumber: "1" },
    });
    expect(response.status).toBe(503);
    expect(calls()).toBe(1);
  });

  it("backs off exponentially with jitter, within the ceiling", async () => {
    vi.useFakeTimers();
    const { pay, api } = payWith([503, 503, 503, 200], {
      retries: 3,
      baseDelayMs: 100,
      maxDelayMs: 300,
    });
    const times: number[] = [];
    const route = api.routes.get("GET /v1/bill-services")!;
    api.routes.set("GET /v1/bill-services", (r, x) => (times.push(Date.now()), route(r, x)));
    const done = pay.GET("/v1/bill-services");
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await done).response.status).toBe(200);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(50);
    expect(gaps[0]).toBeLessThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeLessThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(150); // capped at maxDelayMs 300
    expect(gaps[2]).toBeLessThanOrEqual(300);
  });

  it("stops waiting when the caller aborts during a backoff", async () => {
    const { pay, calls } = payWith([503], { baseDelayMs: 10_000 });
    const controller = new AbortController();
    const outcome = pay
      .GET("/v1/bill-services", { signal: controller.signal })
      .catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error("stop"));
    expect(await outcome).toEqual(new Error("stop"));
    expect(calls()).toBe(1);
  });

  it("rejects bad retry options at construction, naming them", () => {
    expect(() =>
      createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, retry: { retries: -1 } }),
    ).toThrow("almara-pay: options.retry.retries must be an integer from 0 to 10, got -1");
    expect(() =>
      createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, retry: { retries: 1.5 } }),
    ).toThrow("almara-pay: options.retry.retries must be an integer from 0 to 10, got 1.5");
    expect(() =>
      createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, retry: "yes" as never }),
    ).toThrow("almara-pay: options.retry must be an object or false");
  });

  it("names a call's own retry option as the call's, and rejects it before anything is sent", async () => {
    const api = createFakeApi();
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch });
    await expect(pay.GET("/v1/bill-services", { retry: { foo: 1 } as never })).rejects.toThrow(
      "almara-pay: the call's retry.foo is not a retry option",
    );
    await expect(pay.GET("/v1/bill-services", { retry: { retries: 11 } })).rejects.toThrow(
      "almara-pay: the call's retry.retries must be an integer from 0 to 10, got 11",
    );
    expect(api.issued).toHaveLength(0);
  });
});

describe("Retry-After", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs("Wed, 25 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("Wed, 25 Nov 2026 09:59:00 GMT", now)).toBe(0);
    expect([
      retryAfterMs(null),
      retryAfterMs(""),
      retryAfterMs("soon"),
      retryAfterMs("-1"),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });
});
