/**
 * Express deposits over real HTTP, through the SDK: accepted, then two callbacks in order — the
 * STK result (not final) and the C2B IPN (final) — or only the STK result when the payer
 * cancels; the lookup agrees; duplicates are refused; a lost answer is never resent.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  isAmbiguousOutcomeError,
  isApiError,
  isDuplicateIdError,
  isFinalExpressDepositCallback,
  originatorConversationIdOf,
  parseExpressDepositCallback,
  unwrap,
} from "../../src/index.js";
import { expressDeposit } from "../support/fixtures.js";
import { closedAfterEach, type Harness } from "../support/sandbox.js";

const use = closedAfterEach();

const lookUp = (harness: Harness, id: string) =>
  unwrap(
    harness.pay.GET("/v1/express-deposit/check-status", {
      params: { query: { OriginatorConversationId: id } },
    }),
  );

describe("express deposits", () => {
  it("sends the STK result, then the final C2B IPN; the lookup shows the receipt", async () => {
    // Settled by hand, never by a timer: the pending state is looked at while it surely holds.
    const h = await use.harness({ settleDelayMs: 60_000 });
    const receiver = await use.receiver();
    const result = await h.pay.POST("/v1/express-deposit", {
      body: expressDeposit(receiver.url),
    });
    const id = originatorConversationIdOf(result)!;
    expect((await unwrap(result)).message.originatorConversationId).toBe(id);
    expect((await lookUp(h, id)).status).toBe("Pending");
    await h.sandbox.settleAll();

    const first = parseExpressDepositCallback(await receiver.next());
    const second = parseExpressDepositCallback(await receiver.next());
    expect(isFinalExpressDepositCallback(first)).toBe(false);
    expect(isFinalExpressDepositCallback(second)).toBe(true);
    if (isFinalExpressDepositCallback(first) || !isFinalExpressDepositCallback(second)) return;
    expect(first.Body.StkCallback.ResultCode).toBe(0);
    expect(second).toMatchObject({ OriginatorConversationId: id, PaymentAmount: 1500 });

    const paid = await lookUp(h, id);
    expect(paid).toMatchObject({ resultCode: "0", status: "Completed" });
    expect(paid.mpesaReceiptNumber).toBe(second.Thirdpartyreceiptnumber);
    expect(h.contract.violations).toEqual([]);
  });

  it("sends only the STK result when the payer cancels, and the lookup says so", async () => {
    const h = await use.harness({ settleDelayMs: 50 });
    const receiver = await use.receiver();
    const result = await h.pay.POST("/v1/express-deposit", {
      body: expressDeposit(receiver.url, "254700001032"),
    });
    const id = originatorConversationIdOf(result)!;
    const only = parseExpressDepositCallback(await receiver.next());
    expect(isFinalExpressDepositCallback(only)).toBe(false);
    await h.sandbox.settleAll();
    expect(receiver.received).toHaveLength(1);
    expect(await lookUp(h, id)).toMatchObject({ resultCode: "1032", status: "Failed" });
  });

  it("refuses a duplicate OriginatorConversationId and 404s an unknown one", async () => {
    const h = await use.harness();
    const body = {
      ...expressDeposit("http://127.0.0.1:9/cb"),
      OriginatorConversationId: randomUUID(),
    };
    await unwrap(h.pay.POST("/v1/express-deposit", { body }));
    const duplicate = await unwrap(h.pay.POST("/v1/express-deposit", { body })).catch(
      (error: unknown) => error,
    );
    expect(isDuplicateIdError(duplicate) && duplicate.status).toBe(400);
    const { response } = await h.pay.GET("/v1/express-deposit/check-status", {
      params: { query: { OriginatorConversationId: randomUUID() } },
    });
    expect(response.status).toBe(404);
    expect(h.contract.violations).toEqual([]);
  });

  it("a connection reset after the prompt went out: ambiguous with the id, never resent", async () => {
    const h = await use.harness({ settleDelayMs: 50 });
    h.sandbox.injectFault("createExpressDeposit", { reset: "after" });
    const error = await h.pay
      .POST("/v1/express-deposit", { body: expressDeposit("http://127.0.0.1:9/cb") })
      .catch((e: unknown) => e);
    expect(isAmbiguousOutcomeError(error)).toBe(true);
    if (!isAmbiguousOutcomeError(error)) return;
    const sent = h.sandbox.requests.filter((r) => r.operationId === "createExpressDeposit");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.originatorConversationId).toBe(error.originatorConversationId);
    await h.sandbox.settleAll();
    expect((await lookUp(h, error.originatorConversationId!)).status).toBe("Completed");
  });
});
