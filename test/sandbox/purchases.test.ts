/**
 * Airtime, checkout, balance and charges over real HTTP, through the SDK: purchases and checkouts
 * settle with their callbacks and lookups; the balance follows paid payouts; charges by type.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  isAmbiguousOutcomeError,
  isDuplicateIdError,
  originatorConversationIdOf,
  parseAirtimeCallback,
  parseCheckoutCallback,
  unwrap,
} from "../../src/index.js";
import { payout } from "../support/fixtures.js";
import { closedAfterEach, type Harness } from "../support/sandbox.js";

const use = closedAfterEach();

describe("airtime", () => {
  it("tops up, posts the result, and the lookup agrees; a failing number fails", async () => {
    const h = await use.harness({ settleDelayMs: 100 });
    const receiver = await use.receiver();
    const result = await h.pay.POST("/v1/airtime-purchase", {
      body: {
        callBackUrl: receiver.url,
        recipients: [
          { phoneNumber: "254710000000", amount: 100 },
          { phoneNumber: "254700000006", amount: 50 },
        ],
      },
    });
    const id = originatorConversationIdOf(result)!;
    expect((await unwrap(result)).message.originatorConversationId).toBe(id);
    const callback = parseAirtimeCallback(await receiver.next());
    expect(callback.recipients.map((r) => [r.statusDescription, r.statusCode])).toEqual([
      ["Completed", 0],
      ["Failed", 6],
    ]);
    const found = await unwrap(
      h.pay.GET("/v1/airtime-purchase/check-status", {
        params: { query: { OriginatorConversationId: id } },
      }),
    );
    expect(found).toEqual(callback);
    expect(h.contract.violations).toEqual([]);
  });

  it("is never resent after a lost answer, and a reused id is refused", async () => {
    const h = await use.harness();
    h.sandbox.injectFault("purchaseAirtime", { reset: "after" });
    const body = { recipients: [{ phoneNumber: "254710000000", amount: 100 }] };
    const error = await h.pay.POST("/v1/airtime-purchase", { body }).catch((e: unknown) => e);
    expect(isAmbiguousOutcomeError(error)).toBe(true);
    expect(h.sandbox.requests.filter((r) => r.operationId === "purchaseAirtime")).toHaveLength(1);
    const originatorConversationId = randomUUID();
    await unwrap(
      h.pay.POST("/v1/airtime-purchase", { body: { ...body, originatorConversationId } }),
    );
    const again = await unwrap(
      h.pay.POST("/v1/airtime-purchase", { body: { ...body, originatorConversationId } }),
    ).catch((e: unknown) => e);
    expect(isDuplicateIdError(again) && again.status).toBe(400);
  });
});

describe("checkout", () => {
  it("creates the order with its page, then posts the paid outcome; found by either id", async () => {
    const h = await use.harness({ settleDelayMs: 100 });
    const receiver = await use.receiver();
    const originatorConversationId = randomUUID();
    const order = await unwrap(
      h.pay.POST("/v1/checkout-order/new-order", {
        body: {
          originatorConversationId,
          checkoutReference: "ORD-1",
          checkoutRouteId: "ded81224-70b6-ed11-ad49-0ee00e897f52",
          checkoutRouteChannelType: 172,
          checkoutCurrencyCode: 404,
          checkoutReturnUrl: "https://shop.example.com/return",
          checkoutCallbackUrl: receiver.url,
          checkoutRequestLines: [{ sku: "S-1", name: "Shirt", price: 2500 }],
        },
      }),
    );
    expect(order).toMatchObject({ checkoutCurrencyCode: "404", checkoutOutcome: null });
    expect(order.checkoutUrl).toBe(`${h.sandbox.url}/checkout/${order.checkoutId}`);
    const paid = parseCheckoutCallback(await receiver.next());
    expect(paid.checkoutOutcome).toMatchObject({ Status: 4, ResultCode: "000" });
    for (const [IdType, Id] of [
      [1, originatorConversationId],
      [0, order.conversationId!],
    ] as const) {
      const found = await unwrap(
        h.pay.GET("/v1/checkout-order/check-status", { params: { query: { IdType, Id } } }),
      );
      expect(found).toEqual(paid);
    }
    expect(h.contract.violations).toEqual([]);
  });
});

describe("account", () => {
  it("the balance drops by what paid payouts cost", async () => {
    const h = await use.harness({ settleDelayMs: 20 });
    const before = await unwrap(h.pay.GET("/v1/customer-accounts/get-wallet-balance-by-id"));
    await unwrap(h.pay.POST("/v1/payment-order/new-order", { body: payout("254712345678", 2500) }));
    await h.sandbox.settleAll();
    const after = await unwrap(
      h.pay.GET("/v1/customer-accounts/get-wallet-balance-by-id", {
        params: { query: { ccy: 404 } },
      }),
    );
    expect(before.balance! - after.balance!).toBe(2500 + 15);
    const { response } = await h.pay.GET("/v1/customer-accounts/get-wallet-balance-by-id", {
      params: { query: { ccy: 840 } },
    });
    expect(response.status).toBe(404);
    expect(h.contract.violations).toEqual([]);
  });

  it("lists the charges of a transaction type, and none for an unknown one", async () => {
    const h = await use.harness();
    const tiers = await unwrap(
      h.pay.GET("/v1/charge/fetch-charges", {
        params: { query: { transactionTypeId: "7a4d2e6f-81c3-4b5a-9e0d-3f2a1b4c5d6e" } },
      }),
    );
    expect(tiers.map((c) => c.chargeAmount)).toEqual([15, 30]);
    const none = await unwrap(
      h.pay.GET("/v1/charge/fetch-charges", {
        params: { query: { transactionTypeId: randomUUID() } },
      }),
    );
    expect(none).toEqual([]);
    expect(h.contract.violations).toEqual([]);
  });
});
