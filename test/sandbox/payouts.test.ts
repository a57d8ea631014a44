/**
 * Payouts over real HTTP, through the SDK: accepted with 202, pending then paid (or failed with
 * the test recipient's result code) with the webhook posted, stopped while pending, refused as
 * duplicates or on a route they cannot use; and a lost answer settled by lookup, never resent.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  findPaymentOrderOutcome,
  isAmbiguousOutcomeError,
  isApiError,
  isDuplicateIdError,
  originatorConversationIdOf,
  parsePaymentOrderCallback,
  unwrap,
} from "../../src/index.js";
import { payout } from "../support/fixtures.js";
import { closedAfterEach, type Harness } from "../support/sandbox.js";

const use = closedAfterEach();

const lookUp = (harness: Harness, id: string) =>
  unwrap(
    harness.pay.GET("/v1/payment-order/check-status", {
      params: { query: { Id: id, IdType: "OriginatorConversationId" } },
    }),
  );

describe("payouts", () => {
  it("moves pending → completed and POSTs the result to the webhook", async () => {
    const receiver = await use.receiver();
    // Settled by hand, never by a timer: the pending state is looked at while it surely holds.
    const h = await use.harness({ settleDelayMs: 60_000, webhookUrl: receiver.url });
    const webhook = receiver.next();
    const result = await h.pay.POST("/v1/payment-order/new-order", { body: payout() });
    expect(result.response.status).toBe(202);
    const id = originatorConversationIdOf(result)!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await unwrap(result)).message.originatorConversationId).toBe(id);

    const pending = await lookUp(h, id);
    expect(pending.orderLines[0]?.transactionOutcome).toMatchObject({
      transactionStatus: 0,
      transactionStatusDescription: "Pending",
      resultCode: null,
    });

    await h.sandbox.settleAll();
    const delivered = parsePaymentOrderCallback(JSON.stringify(await webhook));
    expect(delivered.originatorConversationId).toBe(id);
    expect(delivered.orderLines[0]?.transactionOutcome).toMatchObject({
      transactionStatus: 4,
      resultCode: "0",
      resultCodeDescription: "Success",
    });
    const outcome = await findPaymentOrderOutcome(h.pay, id);
    expect(outcome.state).toBe("completed");
    expect(h.contract.violations).toEqual([]);
  });

  it("fails a line with its test recipient's result code, and says what to do", async () => {
    const h = await use.harness({ settleDelayMs: 50 });
    const result = await h.pay.POST("/v1/payment-order/new-order", {
      body: payout("254700000001"),
    });
    const id = originatorConversationIdOf(result)!;
    const outcome = await findPaymentOrderOutcome(h.pay, id, { waitMs: 5000, intervalMs: 50 });
    expect(outcome.state).toBe("failed");
    if (outcome.state !== "failed") return;
    expect(outcome.lines.map((l) => (l.state === "failed" ? l.result : l.state))).toEqual([
      { code: 1, meaning: "Insufficient funds", action: "retry-with-new-id" },
    ]);
  });

  it("stops a pending payout, and refuses to stop a processed one", async () => {
    const h = await use.harness({ settleDelayMs: 60_000 });
    const result = await h.pay.POST("/v1/payment-order/new-order", { body: payout() });
    const id = originatorConversationIdOf(result)!;
    const stop = () =>
      h.pay.POST("/v1/payment-order/reject-order", {
        params: { query: { OriginatorConversationId: id } },
      });
    const stopped = await unwrap(stop());
    expect(stopped.paymentOrderlines).toEqual([
      {
        originatorConversationId: id,
        transactionStatus: 6,
        transactionStatusDescription: "Rejected",
        resultCode: null,
        resultCodeDescription: null,
      },
    ]);
    expect((await findPaymentOrderOutcome(h.pay, id)).state).toBe("failed");
    await h.sandbox.settleAll(); // nothing left to settle: the stopped line stays stopped
    expect((await lookUp(h, id)).orderLines[0]?.transactionOutcome.transactionStatus).toBe(6);
    const again = await stop();
    expect(again.response.status).toBe(400);
    expect(h.contract.violations).toEqual([]);
  });

  it("refuses a duplicate originatorConversationId and a route the account lacks", async () => {
    const h = await use.harness();
    const originatorConversationId = randomUUID();
    await unwrap(
      h.pay.POST("/v1/payment-order/new-order", {
        body: { ...payout(), originatorConversationId },
      }),
    );
    const duplicate = await unwrap(
      h.pay.POST("/v1/payment-order/new-order", {
        body: { ...payout(), originatorConversationId },
      }),
    ).catch((error: unknown) => error);
    expect(isDuplicateIdError(duplicate) && duplicate.status).toBe(400);
    expect(isDuplicateIdError(duplicate) && duplicate.body).toMatchObject({
      errors: [{ field: "OriginatorConversationId" }],
    });
    const body = payout();
    body.paymentOrderLines[0]!.transaction.channelType = 14; // paybill, not on this route
    const wrongChannel = await h.pay.POST("/v1/payment-order/new-order", { body });
    expect(wrongChannel.response.status).toBe(400);
    expect(h.sandbox.requests.filter((r) => r.operationId === "createPaymentOrder")).toHaveLength(
      3,
    );
    expect(h.contract.violations).toEqual([]);
  });

  it("answers 404 for an unknown payout, by either id type", async () => {
    const h = await use.harness();
    for (const IdType of ["OriginatorConversationId", "SystemConversationId"] as const) {
      const { response } = await h.pay.GET("/v1/payment-order/check-status", {
        params: { query: { Id: randomUUID(), IdType } },
      });
      expect(response.status).toBe(404);
    }
    expect((await findPaymentOrderOutcome(h.pay, randomUUID())).state).toBe("not-found");
  });

  it("finds a payout by its systemConversationId too", async () => {
    const h = await use.harness();
    const { message } = await unwrap(h.pay.POST("/v1/payment-order/new-order", { body: payout() }));
    const found = await unwrap(
      h.pay.GET("/v1/payment-order/check-status", {
        params: { query: { Id: message.systemConversationId, IdType: "SystemConversationId" } },
      }),
    );
    expect(found.originatorConversationId).toBe(message.originatorConversationId);
  });

  it("a 500 after the payout was taken: ambiguous, not resent, and the lookup finds it", async () => {
    const h = await use.harness({ settleDelayMs: 50 });
    h.sandbox.injectFault("createPaymentOrder", { status: 500, after: true });
    const error = await h.pay
      .POST("/v1/payment-order/new-order", { body: payout() })
      .catch((e: unknown) => e);
    expect(isAmbiguousOutcomeError(error)).toBe(true);
    if (!isAmbiguousOutcomeError(error)) return;
    const sent = h.sandbox.requests.filter((r) => r.operationId === "createPaymentOrder");
    expect(sent).toHaveLength(1); // never resent
    expect(sent[0]?.originatorConversationId).toBe(error.originatorConversationId);
    const outcome = await findPaymentOrderOutcome(h.pay, error.originatorConversationId!, {
      waitMs: 5000,
      intervalMs: 50,
    });
    expect(outcome.state).toBe("completed");
  });
});
