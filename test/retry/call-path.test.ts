/**
 * The call prepared once, attacked: what the SDK believes it sent must be what it sent — when a
 * caller's middleware replaces the Request (its id, its body), on the 401 replay, with bodies
 * whose JSON differs from their own fields, with another fetch's Responses — and the building
 * blocks assembled by hand keep the money rules too.
 */
import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import { fetch as undiciFetch } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import {
  createAlmaraPay,
  createAuthMiddleware,
  createIdempotencyMiddleware,
  createRetryingFetch,
  createTokenProvider,
  createTransport,
  DEFAULT_RETRY,
  findPaymentOutcome,
  isAmbiguousOutcomeError,
  type AlmaraPayOptions,
  type paths,
} from "../../src/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { billPayment } from "../support/fixtures.js";

const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A sandbox, a client on it, and the ids and bodies every payment send carried on the wire. */
async function setUp(extra: Partial<AlmaraPayOptions> = {}) {
  const sandbox = await startSandbox({ settleDelayMs: 10, onError: () => undefined });
  open.push(sandbox);
  const wire: { id: string; body: Record<string, unknown> }[] = [];
  const pay = createAlmaraPay({
    baseUrl: sandbox.url,
    ...sandbox.credentials,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    fetch: async (request, init) => {
      if (request.method === "POST" && request.url.endsWith("/v1/bill-payments")) {
        const body = JSON.parse(await request.clone().text()) as Record<string, unknown>;
        wire.push({ id: String(body.originatorConversationId), body });
      }
      return fetch(request, init);
    },
    ...extra,
  });
  return { sandbox, pay, wire };
}

const failure = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("a caller's middleware that replaces the Request", () => {
  it("the id it sends is the id the errors name, and the same-id recovery pays once", async () => {
    const { sandbox, pay, wire } = await setUp();
    pay.use({
      async onRequest({ request }) {
        if (request.method !== "POST") return undefined;
        const body = JSON.parse(await request.clone().text()) as Record<string, unknown>;
        body.originatorConversationId = `tenant7-${String(body.originatorConversationId)}`;
        return new Request(request, { body: JSON.stringify(body) });
      },
    });
    sandbox.injectFault("postBillPayment", { status: 500, after: true });
    const error = await failure(pay.POST("/v1/bill-payments", { body: billPayment }));
    expect(isAmbiguousOutcomeError(error)).toBe(true);
    const id = (error as { originatorConversationId: string }).originatorConversationId;
    expect(wire.map((w) => w.id)).toEqual([id]);
    expect(id).toMatch(/^tenant7-/);
    const outcome = await findPaymentOutcome(pay, id, { waitMs: 2000, intervalMs: 20 });
    expect(outcome.state).not.toBe("not-found");
    expect(sandbox.transactions().map((t) => t.originatorConversationId)).toEqual([id]);
  });

  it("the 401 replay resends the body the middleware made", async () => {
    const { sandbox, pay, wire } = await setUp();
    pay.use({
      async onRequest({ request }) {
        if (request.method !== "POST") return undefined;
        const body = JSON.parse(await request.clone().text()) as Record<string, unknown>;
        return new Request(request, { body: JSON.stringify({ ...body, amount: 1450 }) });
      },
    });
    await pay.GET("/v1/bill-services");
    sandbox.revokeTokens(); // the payment's first send meets a 401, then is replayed
    const result = await pay.POST("/v1/bill-payments", { body: billPayment });
    expect(result.response.status).toBe(200);
    expect(wire).toHaveLength(2);
    expect(wire.map((w) => w.body.amount)).toEqual([1450, 1450]);
    expect(wire[1]!.id).toBe(wire[0]!.id);
  });

  it("the caller's abort still ends the replay's token wait", async () => {
    const { sandbox, pay } = await setUp();
    pay.use({
      // Built from the URL: the new Request has a signal of its own, which nobody aborts.
      onRequest: async ({ request }) =>
        request.method === "POST"
          ? new Request(request.url, {
              method: "POST",
              headers: request.headers,
              body: await request.clone().text(),
            })
          : undefined,
    });
    await pay.GET("/v1/bill-services");
    sandbox.revokeTokens();
    sandbox.injectFault("requestToken", { hangMs: 60_000 }, 2); // the fresh token never comes
    const controller = new AbortController();
    const call = failure(
      pay.POST("/v1/bill-payments", { body: billPayment, signal: controller.signal }),
    );
    while (!sandbox.requests.some((r) => r.path === "/connect/token" && r.status === 0)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort(new Error("caller gave up"));
    expect(String(await call)).toContain("caller gave up");
    sandbox.releaseHangs();
  });
});

describe("bodies whose JSON says otherwise than their own fields", () => {
  it("a toJSON, a getter or a class: the id read is the id sent", async () => {
    const { sandbox, pay, wire } = await setUp();
    const [a, b] = [randomUUID(), randomUUID()];
    const toJson = {
      ...billPayment,
      originatorConversationId: a,
      toJSON: () => ({ ...billPayment, originatorConversationId: b }),
    };
    sandbox.injectFault("postBillPayment", { status: 500, after: true });
    const error = await failure(pay.POST("/v1/bill-payments", { body: toJson }));
    expect(error).toMatchObject({ originatorConversationId: b });
    expect(wire.at(-1)!.id).toBe(b);

    class Order {
      constructor(readonly id: string) {}
      toJSON() {
        return { ...billPayment, originatorConversationId: this.id };
      }
    }
    const order = new Order(`order-${randomUUID()}`);
    const result = await pay.POST("/v1/bill-payments", { body: order as never });
    expect(result.response.status).toBe(200);
    expect(wire.at(-1)!.id).toBe(order.id);
    expect(sandbox.transactions().map((t) => t.originatorConversationId)).toContain(order.id);
  });

  it("a body that cannot be JSON is a usage error naming the body, and nothing is sent", async () => {
    const { pay, wire } = await setUp();
    const cyclic: Record<string, unknown> = { ...billPayment };
    cyclic.self = cyclic;
    const error = await failure(pay.POST("/v1/bill-payments", { body: cyclic as never }));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/body cannot be sent as JSON/);
    expect(wire).toHaveLength(0);
  });
});

describe("another fetch's Responses", () => {
  it("undici's own fetch (a Response of another implementation) works, payments included", async () => {
    const { sandbox, pay } = await setUp({
      fetch: async (request) =>
        undiciFetch(request.url, {
          method: request.method,
          headers: [...request.headers],
          body: request.body ? await request.arrayBuffer() : undefined,
        }) as unknown as Response,
    });
    const services = await pay.GET("/v1/bill-services");
    expect(services.response.status).toBe(200);
    expect(Array.isArray(services.data)).toBe(true);
    const paid = await pay.POST("/v1/bill-payments", { body: billPayment });
    expect(paid.response.status).toBe(200);
    expect(sandbox.transactions()).toHaveLength(1);
  });
});

describe("the building blocks, assembled as the README says, without a basePath", () => {
  it("a payment whose answer is lost is ambiguous with its id, even past a replacing middleware", async () => {
    const sandbox = await startSandbox({ settleDelayMs: 10, onError: () => undefined });
    open.push(sandbox);
    const client = createClient<paths>({
      baseUrl: sandbox.url,
      fetch: createRetryingFetch(
        createTransport({ fetch: (request, init) => fetch(request, init), timeoutMs: 2000 }),
        { policy: DEFAULT_RETRY },
      ),
    });
    client.use(
      createIdempotencyMiddleware(),
      createAuthMiddleware({
        tokenProvider: createTokenProvider({
          tokenUrl: `${sandbox.url}/connect/token`,
          ...sandbox.credentials,
        }),
      }),
      { onRequest: ({ request }) => new Request(request, { headers: request.headers }) },
    );
    sandbox.injectFault("postBillPayment", { status: 500, after: true });
    const error = await failure(
      client.POST("/v1/bill-payments", {
        body: { ...billPayment, originatorConversationId: randomUUID() },
      }),
    );
    expect(isAmbiguousOutcomeError(error)).toBe(true);
    expect(error).toMatchObject({
      originatorConversationId: sandbox.transactions()[0]!.originatorConversationId,
    });
  });
});
