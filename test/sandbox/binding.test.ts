/**
 * The API binds JSON names without regard to case (REFERENCE §2.2: real clients send `ChannelType`
 * in payment-order lines and a camelCase `originatorConversationId` in express deposits, and are
 * answered 2xx). The sandbox binds the same way, in memory and over node:http alike, and its
 * answers keep the API's own spelling.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, type SandboxHandler } from "../../src/sandbox/index.js";
import { expressDeposit, payout } from "../support/fixtures.js";
import { sandboxToken } from "../support/sandbox.js";
import { at } from "../support/spec.js";

const BASE = "https://sandbox.almara.test";
let sandbox: SandboxHandler;
afterEach(() => sandbox.close());

async function post(path: string, body: unknown): Promise<Response> {
  return sandbox.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await sandboxToken(sandbox, BASE)}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });
}

/** The object with each key's first letter upper-cased (and nested objects alike). */
function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(v)]),
  );
}

describe("case-insensitive binding", () => {
  it("a payment order whose lines say ChannelType (and every other name in PascalCase) is accepted", async () => {
    sandbox = createSandbox();
    const order = payout();
    const line = order.paymentOrderLines[0]!;
    const { channelType, ...transaction } = line.transaction;
    const body = {
      ...order,
      originatorConversationId: "binding-order-1",
      paymentOrderLines: [{ ...line, transaction: { ...transaction, ChannelType: channelType } }],
    };
    const answer = await post("/v1/payment-order/new-order", body);
    expect(answer.status, await answer.clone().text()).toBeLessThan(300);
    const wholly = await post("/v1/payment-order/new-order", {
      ...(pascal(order) as object),
      OriginatorConversationId: "binding-order-2",
    });
    expect(wholly.status, await wholly.clone().text()).toBeLessThan(300);
    expect(sandbox.transactions().map((t) => t.originatorConversationId)).toEqual([
      "binding-order-1",
      "binding-order-2",
    ]);
  });

  it("an express deposit with a camelCase originatorConversationId is accepted under that id", async () => {
    sandbox = createSandbox();
    const answer = await post("/v1/express-deposit", {
      ...expressDeposit("http://127.0.0.1:9/cb"),
      originatorConversationId: "binding-deposit-1",
    });
    expect(answer.status, await answer.clone().text()).toBeLessThan(300);
    expect(sandbox.transactions()).toEqual([
      { operationId: "createExpressDeposit", originatorConversationId: "binding-deposit-1" },
    ]);
    expect(sandbox.requests.at(-1)?.originatorConversationId).toBe("binding-deposit-1");
  });

  it("a name the schema does not know stays unknown, and a missing field is still refused", async () => {
    sandbox = createSandbox();
    const order = payout();
    const line = order.paymentOrderLines[0]!;
    const { channelType: _dropped, ...transaction } = line.transaction;
    const answer = await post("/v1/payment-order/new-order", {
      ...order,
      paymentOrderLines: [{ ...line, transaction: { ...transaction, ChanelType: 1 } }],
    });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/channelType/i);
  });
});

describe("query binding", () => {
  it("binds query names and enum names without regard to case, and numbers by value", async () => {
    sandbox = createSandbox();
    const order = { ...payout(), originatorConversationId: "query-binding-1" };
    expect((await post("/v1/payment-order/new-order", order)).status).toBe(202);
    const token = await sandboxToken(sandbox, BASE);
    const get = (query: string) =>
      sandbox.fetch(`${BASE}/v1/payment-order/check-status?${query}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    const exact = await get("Id=query-binding-1&IdType=OriginatorConversationId");
    expect(exact.status).toBe(200);
    const cased = await get("id=query-binding-1&idtype=originatorconversationid");
    expect(cased.status).toBe(200);
    expect(await cased.json()).toEqual(await exact.json());
    // An unknown id is still unknown, and a name that is not declared is no parameter.
    expect((await get("id=nope&idtype=ORIGINATORCONVERSATIONID")).status).toBe(404);
    expect((await get("Ident=query-binding-1&IdType=OriginatorConversationId")).status).toBe(400);
    // A number-typed parameter is read as its value: `01` is 1 (an originatorConversationId).
    const example = at(
      "/paths/~1v1~1checkout-order~1new-order/post/requestBody/content/application~1json/examples/documented/value",
    ) as Record<string, unknown>;
    const checkout = { ...example, originatorConversationId: "query-binding-2" };
    expect((await post("/v1/checkout-order/new-order", checkout)).status).toBe(200);
    const found = await sandbox.fetch(
      `${BASE}/v1/checkout-order/check-status?idtype=01&ID=query-binding-2`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ originatorConversationId: "query-binding-2" });
  });
});
