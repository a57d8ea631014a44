/**
 * The call prepared once, attacked: what the SDK believes it sent must be what it sent — when a
 * caller's middleware replaces the Request (its id, its body), on the 401 replay, with bodies
 * whose JSON differs from their own fields, with another fetch's Responses — and the building
 * blocks assembled by hand keep the money rules too.
 */
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
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
  originatorConversationIdOf,
  unwrap,
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

describe("a body the call serializes itself", () => {
  it("gets the id added when it is a plain object; any other object is refused before anything is sent", async () => {
    const { sandbox, pay } = await setUp();
    const { originatorConversationId: _id, ...withoutId } = billPayment;
    const own = { bodySerializer: (body: unknown) => JSON.stringify(body) };
    const plain = await pay.POST("/v1/bill-payments", { body: withoutId, ...own });
    expect(plain.response.status).toBe(200);
    const blob = new Blob([JSON.stringify(withoutId)], { type: "application/json" });
    const refused = await failure(
      pay.POST("/v1/bill-payments", {
        body: blob as never,
        bodySerializer: (b: unknown) => b as never,
      }),
    );
    expect(refused).toBeInstanceOf(TypeError);
    expect(String(refused)).toMatch(/bodySerializer needs a plain object body/);
    expect(sandbox.transactions()).toHaveLength(1);
    expect(sandbox.requests.filter((r) => r.path === "/v1/bill-payments")).toHaveLength(1);
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
    // (A toJSON is no field of the spec's: the types refuse it, and the test sends it anyway.)
    const error = await failure(pay.POST("/v1/bill-payments", { body: toJson as never }));
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

describe("the call path attacked again (each case failed before its fix)", () => {
  const token = "t0ken-0123456789abcdef";
  const payment = () => ({ ...billPayment });
  /** A client whose fetch answers the token endpoint and hands every other Request to `api`. */
  function fake(api: (request: Request) => Response | Promise<Response>) {
    const sent: string[] = [];
    const pay = createAlmaraPay({
      baseUrl: "https://api.almara.test",
      clientId: "client",
      clientSecret: "s3cret-0123456789",
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      fetch: async (request) => {
        if (request.url.endsWith("/connect/token")) {
          return Response.json({ access_token: token, token_type: "Bearer", expires_in: 3600 });
        }
        sent.push(request.bodyUsed ? "(used)" : await request.clone().text());
        return api(request);
      },
    });
    return { pay, sent };
  }
  const refused = () =>
    Response.json({ errors: { amount: ["too high"] }, status: 400 }, { status: 400 });

  it("a signal that is not an AbortSignal is a usage error, and nothing is sent", async () => {
    const { pay, sent } = fake(() => Response.json({ message: "accepted" }));
    const signal = { aborted: false, addEventListener() {} } as unknown as AbortSignal;
    const error = await failure(pay.POST("/v1/bill-payments", { body: payment(), signal }));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/signal/);
    expect(sent).toEqual([]);
  });

  it("a Response a caller's middleware made still names the call's id", async () => {
    const { pay } = fake(refused);
    pay.use({
      async onResponse({ response }) {
        return new Response(await response.clone().text(), response);
      },
    });
    const result = await pay.POST("/v1/bill-payments", {
      body: { ...payment(), originatorConversationId: "mine-42" },
    });
    expect(originatorConversationIdOf(result)).toBe("mine-42");
    const error = await failure(unwrap(Promise.resolve(result)));
    expect(error).toMatchObject({ originatorConversationId: "mine-42", path: "/v1/bill-payments" });
  });

  it("what a Response answered reads as plain data under the shared key (another copy of the SDK reads it)", async () => {
    const { pay } = fake(refused);
    const { response } = await pay.POST("/v1/bill-payments", {
      body: { ...payment(), originatorConversationId: "mine-43" },
    });
    const info = (response as unknown as Record<symbol, unknown>)[
      Symbol.for("almara-pay.request-info")
    ];
    expect(info).toEqual({
      method: "POST",
      path: "/v1/bill-payments",
      originatorConversationId: "mine-43",
    });
  });

  it("a call's own JSON Content-Type still sends the id and the JSON the body's toJSON makes", async () => {
    const { pay, sent } = fake(() => new Response("oops", { status: 500 }));
    const body = { toJSON: () => payment() } as unknown as ReturnType<typeof payment>;
    const error = await failure(
      pay.POST("/v1/bill-payments", { body, headers: { "Content-Type": "application/json" } }),
    );
    // A payment (read from what is sent), so a 500 leaves it ambiguous, under the id sent.
    expect(isAmbiguousOutcomeError(error), String(error)).toBe(true);
    expect(sent).toHaveLength(1);
    const wire = JSON.parse(sent[0]!) as Record<string, unknown>;
    expect(wire).toMatchObject({ ...payment(), originatorConversationId: expect.any(String) });
    expect(error).toMatchObject({ originatorConversationId: wire.originatorConversationId });
  });

  it("a caller's onError that answers 401 in place of an unknown outcome never resends the payment", async () => {
    const { pay, sent } = fake(() => new Promise<Response>(() => undefined));
    pay.use({ onError: () => new Response("", { status: 401 }) });
    const result = await pay.POST("/v1/bill-payments", { body: payment(), timeoutMs: 50 });
    expect(result.response.status).toBe(401);
    expect(sent).toHaveLength(1);
  });

  it("a middleware that reads the body to sign it: the payment is sent once, with the body it read", async () => {
    const { pay, sent } = fake(() => Response.json({ message: "accepted" }));
    let signed = "";
    pay.use({
      async onRequest({ request }) {
        signed = await request.text();
        request.headers.set("x-signature", String(signed.length));
        return undefined;
      },
    });
    const { data, error } = await pay.POST("/v1/bill-payments", { body: payment() });
    expect(error).toBeUndefined();
    expect(data).toEqual({ message: "accepted" });
    expect(sent).toEqual([signed]);
  });

  it("an in-process body that never ends, in empty chunks or in text, is stopped by the timeout or refused", async () => {
    const empty = fake(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.enqueue(new Uint8Array(0));
            },
          }),
        ),
    );
    const timedOut = await failure(
      empty.pay.GET("/v1/bill-services", { timeoutMs: 50, retry: false }),
    );
    expect(timedOut).toMatchObject({ name: "TimeoutError" });
    const text = fake(
      () =>
        new Response(
          new ReadableStream<string>({
            pull(controller) {
              controller.enqueue("text, not bytes");
            },
          }) as unknown as ReadableStream<Uint8Array>,
        ),
    );
    const notBytes = await failure(text.pay.GET("/v1/bill-services", { retry: false }));
    expect(notBytes).toMatchObject({ name: "InvalidResponseError" });
  });

  it("a body whose reader has no cancel is still cut off at maxResponseBytes as an unreadable answer", async () => {
    const { pay } = fake(() => {
      const answer = new Response("{}");
      const reader = { read: async () => ({ done: false, value: new Uint8Array(4096) }) };
      Object.defineProperty(answer, "body", { get: () => ({ getReader: () => reader }) });
      return answer;
    });
    const error = await failure(
      pay.GET("/v1/bill-services", { maxResponseBytes: 10_000, retry: false }),
    );
    expect(error).toMatchObject({ name: "InvalidResponseError" });
  });

  it("a 2xx that is not JSON keeps no parser message (it quotes the body, and a part of a token)", async () => {
    const { pay } = fake(
      () =>
        new Response(`{"a": xx${token}`, {
          headers: { "content-type": "application/json" },
        }),
    );
    const error = await failure(pay.GET("/v1/bill-services", { retry: false }));
    expect(error).toMatchObject({ name: "InvalidResponseError" });
    const shown = inspect(error, { depth: 10, showHidden: true }) + JSON.stringify(error);
    for (let i = 0; i + 8 <= token.length; i++) expect(shown).not.toContain(token.slice(i, i + 8));
  });

  it("a network error in Response form, or a 3xx, leaves a payment's outcome unknown", async () => {
    const networkError = fake(() => Response.error());
    const first = await failure(networkError.pay.POST("/v1/bill-payments", { body: payment() }));
    expect(isAmbiguousOutcomeError(first), String(first)).toBe(true);
    expect(networkError.sent).toHaveLength(1);
    const seeOther = fake(
      () => new Response(null, { status: 303, headers: { location: "/v1/bill-payments/1" } }),
    );
    const second = await failure(seeOther.pay.POST("/v1/bill-payments", { body: payment() }));
    expect(isAmbiguousOutcomeError(second), String(second)).toBe(true);
    expect(seeOther.sent).toHaveLength(1);
  });
});
