/**
 * The sandbox behind MSW (`almara-pay/sandbox/msw`): an app's own code, calling the network with
 * the global fetch, is answered by the in-memory sandbox through MSW's interception — no socket.
 * (The browser form, with MSW's service worker, runs in Chromium: test/sandbox/browser.test.ts.)
 */
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlmaraPay, unwrap } from "../../src/index.js";
import { createSandbox } from "../../src/sandbox/index.js";
import { sandboxHandler } from "../../src/sandbox/msw.js";
import { billPayment } from "../support/fixtures.js";

const BASE = "https://sandbox.almara.test";
const sandbox = createSandbox({ settleDelayMs: 10 });
const server = setupServer(sandboxHandler(sandbox, BASE));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(async () => {
  server.close();
  await sandbox.close();
});

describe("the sandbox behind MSW", () => {
  it("answers the SDK (global fetch) for its origin: token, read, payment, once each", async () => {
    const pay = createAlmaraPay({ baseUrl: BASE, ...sandbox.credentials });
    const services = await unwrap(pay.GET("/v1/bill-services"));
    expect(Array.isArray(services) && services.length).toBeGreaterThan(0);
    await unwrap(
      pay.POST("/v1/bill-payments", {
        body: { ...billPayment, originatorConversationId: "msw-1" },
      }),
    );
    expect(sandbox.transactions()).toEqual([
      { operationId: "postBillPayment", originatorConversationId: "msw-1" },
    ]);
    expect(sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "POST /connect/token 200",
      "GET /v1/bill-services 200",
      "POST /v1/bill-payments 200",
    ]);
  });

  it("leaves other origins alone (MSW refuses them here: onUnhandledRequest is error)", async () => {
    await expect(fetch("https://elsewhere.example/")).rejects.toThrow();
    expect(sandbox.requests.every((r) => !r.path.includes("elsewhere"))).toBe(true);
  });
});
