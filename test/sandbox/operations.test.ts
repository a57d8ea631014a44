/**
 * Every operation of the spec against the sandbox over real HTTP, through the SDK: the happy path
 * and each documented error, with every answer validated against the spec's response schema.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unwrap } from "../../src/index.js";
import { billPayment } from "../support/fixtures.js";
import { operationMeta } from "../../src/generated/operations.js";
import { at, operations, type JsonObject } from "../support/spec.js";
import { startHarness, type Harness } from "../support/sandbox.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.sandbox.close();
});

const WATER = "bc97d2b1-4828-f111-bc5a-0e7d952d79b7";
const payment = (overrides: Record<string, unknown> = {}) => ({
  ...billPayment,
  originatorConversationId: randomUUID(),
  ...overrides,
});

async function rawToken(form: Record<string, string>): Promise<Response> {
  return h.contract.fetch(
    new Request(`${h.sandbox.url}/connect/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    }),
  );
}

describe("sandbox operations", () => {
  it("requestToken: issues tokens and answers the OAuth errors", async () => {
    const { clientId, clientSecret, scope } = h.sandbox.credentials;
    const good = await rawToken({
      client_id: clientId,
      client_secret: clientSecret,
      grant_type: "client_credentials",
      scope,
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ expires_in: 3600, token_type: "Bearer", scope });
    const wrong = await rawToken({
      client_id: clientId,
      client_secret: "nope-nope",
      grant_type: "client_credentials",
      scope,
    });
    expect([wrong.status, await wrong.json()]).toEqual([401, { error: "invalid_client" }]);
    const grant = await rawToken({
      client_id: clientId,
      client_secret: clientSecret,
      grant_type: "password",
      scope,
    });
    expect([grant.status, await grant.json()]).toEqual([400, { error: "unsupported_grant_type" }]);
    const missing = await rawToken({ client_id: clientId });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });
  });

  it("checkHealth: answers Healthy without a token", async () => {
    const { data, response } = await h.pay.GET("/api_health_check", { parseAs: "text" });
    expect([response.status, data]).toEqual([200, "Healthy"]);
  });

  it("checkHealth: the SDK reads the text answer as text without being told", async () => {
    const { data, error } = await h.pay.GET("/api_health_check");
    expect([data, error]).toEqual(["Healthy", undefined]);
    // A caller's own parseAs still wins.
    const { data: stream } = await h.pay.GET("/api_health_check", { parseAs: "stream" });
    expect(await new Response(stream as ReadableStream).text()).toBe("Healthy");
  });

  it("findTransactionRoutes and findBillServices: the spec's catalogue; 401 without a token", async () => {
    const { routes } = await unwrap(h.pay.GET("/v1/transaction-routes/assigned-routes"));
    expect(routes.map((r) => r.id)).toContain("068d89af-be67-f011-bb46-0e7d952d79b7");
    const services = await unwrap(h.pay.GET("/v1/bill-services"));
    expect(services.map((s) => s.serviceCode)).toEqual([
      "KE-NAIROBI-WATER",
      "KE-ZUKU",
      "KE-GOTV",
      "KE-KPLC-PREPAID",
    ]);
    const anonymous = await h.contract.fetch(new Request(`${h.sandbox.url}/v1/bill-services`));
    expect([anonymous.status, await anonymous.json()]).toEqual([
      401,
      { error: "invalid_token", error_description: "No bearer token was sent" },
    ]);
  });

  it("postBillPayment: validation and query name the account holder; unknown accounts are refused", async () => {
    const validation = await unwrap(
      h.pay.POST("/v1/bill-payments", {
        body: { transactionType: 3, ServiceId: WATER, accountNumber: "1111111" },
      }),
    );
    expect(validation.message).toMatchObject({
      accountCustomerName: "IRINA MUTHONI",
      dueAmount: 1500,
    });
    const query = await unwrap(
      h.pay.POST("/v1/bill-payments", {
        body: { transactionType: 1, serviceCode: "KE-ZUKU", accountNumber: "240065" },
      }),
    );
    expect(query.message).toMatchObject({ accountCustomerName: "BENSON OKIORA", dueAmount: 3999 });
    const unknown = await unwrap(
      h.pay.POST("/v1/bill-payments", {
        body: { transactionType: 3, ServiceId: WATER, accountNumber: "999" },
      }),
    ).catch((e: unknown) => e);
    expect(unknown).toMatchObject({
      status: 400,
      kind: "domain",
      reason: "Account number number is invalid.",
    });
  });

  it("postBillPayment: accepts a payment and refuses its duplicate as the API does", async () => {
    const body = payment();
    const accepted = await unwrap(h.pay.POST("/v1/bill-payments", { body }));
    expect(accepted.message).toMatchObject({
      remarks: "Bill Payment submission accepted",
      originatorConversationId: body.originatorConversationId,
    });
    const duplicate = await unwrap(h.pay.POST("/v1/bill-payments", { body })).catch(
      (e: unknown) => e,
    );
    expect(duplicate).toMatchObject({
      name: "DuplicateIdError",
      status: 400,
      originatorConversationId: body.originatorConversationId,
      body: {
        errors: [
          {
            field: "OriginatorConversationId",
            message: `duplicate originator conversation id '${body.originatorConversationId}'`,
          },
        ],
      },
    });
  });

  it("postBillPayment: an invalid body is a ProblemDetails 400 keyed by field, and nothing is stored", async () => {
    const { msisdn: _, ...withoutMsisdn } = payment();
    const { error, response } = await h.pay.POST("/v1/bill-payments", {
      body: withoutMsisdn as never,
    });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({
      title: "One or more validation errors occurred.",
      errors: { Msisdn: ["The Msisdn field is required."] },
    });
    const badType = await h.pay.POST("/v1/bill-payments", {
      body: { ...payment(), transactionType: 7 } as never,
    });
    expect(badType.error).toMatchObject({
      errors: {
        TransactionType: ["The field TransactionType must be one of the accepted values."],
      },
    });
    const lookup = await h.pay.GET("/v1/bill-payments", {
      params: { query: { OriginatorConversationId: withoutMsisdn.originatorConversationId } },
    });
    expect(lookup.response.status).toBe(404);
    const malformed = await h.contract.fetch(
      new Request(`${h.sandbox.url}/v1/bill-payments`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${await h.pay.tokenProvider.getToken()}`,
        },
        body: "{not json",
      }),
    );
    expect(malformed.status).toBe(400);
  });

  it("findBillPayment: the stored state; 404 for an unknown id; 400 without the id", async () => {
    const body = payment();
    await unwrap(h.pay.POST("/v1/bill-payments", { body }));
    const stored = await unwrap(
      h.pay.GET("/v1/bill-payments", {
        params: { query: { OriginatorConversationId: body.originatorConversationId } },
      }),
    );
    expect(stored).toMatchObject({
      originatorConversationId: body.originatorConversationId,
      amount: 1500,
      msisdn: "254710000000",
    });
    const unknown = await h.pay.GET("/v1/bill-payments", {
      params: { query: { OriginatorConversationId: "nope" } },
    });
    expect(unknown.response.status).toBe(404);
    const missing = await h.pay.GET("/v1/bill-payments", { params: { query: {} as never } });
    expect(missing.error).toMatchObject({
      errors: { OriginatorConversationId: ["The OriginatorConversationId field is required."] },
    });
  });

  it("saveBillNumber and findBillNumber: save, find, refuse unknown accounts, 404 when not saved", async () => {
    const saved = await unwrap(
      h.pay.POST("/v1/bill-numbers", {
        body: { ServiceId: WATER, accountNumber: "1111111", phoneNumber: "254710000000" },
      }),
    );
    expect(saved.message).toMatchObject({ customerName: "IRINA MUTHONI", lastKnownBalance: 1500 });
    const found = await unwrap(
      h.pay.GET("/v1/bill-numbers", {
        params: { query: { serviceId: WATER, accountNumber: "1111111" } },
      }),
    );
    expect(found).toMatchObject({
      accountNumber: "1111111",
      customerName: "IRINA MUTHONI",
      verified: true,
    });
    const invalid = await unwrap(
      h.pay.POST("/v1/bill-numbers", { body: { serviceCode: "KE-ZUKU", accountNumber: "1" } }),
    ).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, kind: "domain" });
    const notSaved = await h.pay.GET("/v1/bill-numbers", {
      params: { query: { serviceId: "KE-ZUKU", accountNumber: "240065" } },
    });
    expect(notSaved.response.status).toBe(404);
  });

  it("payment links: create returns an id; find and update work; unknown ids give 404", async () => {
    const link = await unwrap(
      h.pay.POST("/v1/payment-link/create-payment-link", {
        body: {
          shortCode: "600980",
          isAmountSpecified: true,
          amount: 2500,
          description: "Invoice 42",
        },
      }),
    );
    expect(link.id).toMatch(/^[0-9a-f-]{36}$/);
    const found = await unwrap(
      h.pay.GET("/v1/payment-link/get-payment-link", { params: { query: { Id: link.id! } } }),
    );
    expect(found).toEqual(link);
    const updated = await unwrap(
      h.pay.PUT("/v1/payment-link/update-payment-link", { body: { id: link.id!, amount: 3000 } }),
    );
    expect(updated).toEqual({ ...link, amount: 3000 });
    const missingFind = await h.pay.GET("/v1/payment-link/get-payment-link", {
      params: { query: { Id: "nope" } },
    });
    const missingUpdate = await h.pay.PUT("/v1/payment-link/update-payment-link", {
      body: { id: "nope", amount: 1 },
    });
    expect([missingFind.response.status, missingUpdate.response.status]).toEqual([404, 404]);
    const noAmount = await h.pay.POST("/v1/payment-link/create-payment-link", {
      body: { shortCode: "600980", isAmountSpecified: true } as never,
    });
    expect(noAmount.error).toMatchObject({ errors: { Amount: ["The Amount field is required."] } });
  });

  it.each(operations().map((o) => [o.operation.operationId as string, o] as const))(
    "%s: answers the documented 429 (with Retry-After) and 500",
    async (operationId, op) => {
      for (const [status, fault] of [
        [429, { status: 429, retryAfter: 1 }],
        [500, { status: 500 }],
      ] as const) {
        h.sandbox.injectFault(operationId, fault);
        const answer = await h.contract.fetch(
          new Request(`${h.sandbox.url}${op.path}`, { method: op.method.toUpperCase() }),
        );
        expect(answer.status).toBe(status);
        if (status === 429) expect(answer.headers.get("retry-after")).toBe("1");
      }
    },
  );

  it("refuses a reused id on every operation that takes one, as the spec declares the refusal", async () => {
    const taking = operations().filter(
      (op) => operationMeta[`${op.method.toUpperCase()} ${op.path}`]?.idField,
    );
    expect(taking.length).toBeGreaterThanOrEqual(5);
    const send = h.pay.POST as (
      path: string,
      init: { body: unknown },
    ) => Promise<{
      error?: unknown;
      response: Response;
    }>;
    for (const op of taking) {
      const meta = operationMeta[`${op.method.toUpperCase()} ${op.path}`]!;
      const field = meta.idField!;
      const examples = at(
        `${op.pointer}/requestBody/content/application~1json/examples`,
      ) as JsonObject;
      // A payment's example, where only some bodies of the operation are payments.
      const example = (Object.values(examples) as { value: JsonObject }[]).find(({ value }) =>
        Object.entries(meta.moneyMovingWhen ?? {}).every(([key, wanted]) => value[key] === wanted),
      );
      expect(example, op.path).toBeDefined();
      const body = { ...example!.value, [field]: randomUUID() };
      expect((await send(op.path, { body })).response.status, op.path).toBeLessThan(300);
      const again = await send(op.path, { body });
      expect(again.response.status, op.path).toBe(400);
      expect(again.error, op.path).toMatchObject({
        originatorConversationId: body[field],
        systemConversationId: expect.any(String),
        errors: [{ field: "OriginatorConversationId" }],
      });
    }
    expect(h.contract.violations).toEqual([]);
  });

  it("answers an injected status with the shape the spec declares for it", async () => {
    // A 401 is an OAuth error (the SDK replays the call once with a fresh token).
    h.sandbox.injectFault("findBillServices", { status: 401 });
    const services = await h.pay.GET("/v1/bill-services");
    expect(services.response.status).toBe(200);
    // The token endpoint's 400 is an OAuth error too; other statuses are ProblemDetails.
    h.sandbox.injectFault("requestToken", { status: 400 });
    const refused = await rawToken({ client_id: "x", client_secret: "y" });
    expect([refused.status, await refused.json()]).toEqual([
      400,
      { error: "invalid_request", error_description: "Injected fault" },
    ]);
    h.sandbox.injectFault("findBillServices", { status: 500 });
    const failed = await h.pay.GET("/v1/bill-services", { retry: false });
    expect(failed.response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(h.contract.violations).toEqual([]);
  });

  it("answered every operation of the spec, each answer valid against its response schema", () => {
    expect(h.contract.violations).toEqual([]);
    const ids = operations().map((o) => o.operation.operationId as string);
    expect([...h.contract.seen.keys()].sort()).toEqual(ids.sort());
  });
});
