/**
 * Confirming callbacks through the API, against the sandbox: a genuine callback confirms and the
 * API's record comes back; a forged one — an id never issued, a success the API has as failed or
 * pending, another receipt or holder — is an UnconfirmedCallbackError; a bad body is a
 * CallbackError and looks nothing up; a failing lookup propagates as it is.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  AlmaraPayError,
  CallbackError,
  UnconfirmedCallbackError,
  confirmAccountValidationCallback,
  confirmAirtimeCallback,
  confirmBillPaymentCallback,
  confirmCheckoutCallback,
  confirmExpressDepositCallback,
  confirmKycCallback,
  confirmPaymentOrderCallback,
  isAlmaraPayError,
  isApiError,
  isCallbackError,
  isNetworkError,
  isUnconfirmedCallbackError,
  originatorConversationIdOf,
  unwrap,
  type BillPaymentCallback,
} from "../../src/index.js";
import { billPayment, expressDeposit, payout } from "../support/fixtures.js";
import { closedAfterEach, type Harness, type Receiver } from "../support/sandbox.js";

const use = closedAfterEach();

/** The bill payment's callback, as the sandbox POSTs it. */
async function paidBill(h: Harness, receiver: Receiver, accountNumber = "1111111") {
  const callback = receiver.next();
  const body = {
    ...billPayment,
    accountNumber,
    originatorConversationId: randomUUID(),
    callBackUrl: receiver.url,
  };
  await unwrap(h.pay.POST("/v1/bill-payments", { body }));
  return (await callback) as BillPaymentCallback;
}

/** The error `promise` rejects with (fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`resolved with ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

async function unconfirmed(promise: Promise<unknown>): Promise<UnconfirmedCallbackError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(UnconfirmedCallbackError);
  expect(isUnconfirmedCallbackError(error)).toBe(true);
  expect((error as Error).message).toMatch(/do not act on this callback$/);
  return error as UnconfirmedCallbackError;
}

const lookups = (h: Harness, path: string) =>
  h.sandbox.requests.filter((r) => r.method === "GET" && r.path === path).length;

describe("UnconfirmedCallbackError", () => {
  it("is an AlmaraPayError of its own kind, with its own guard", () => {
    const error = new UnconfirmedCallbackError({
      callback: "Bill payment",
      id: "i-1",
      claimed: "completed",
      confirmed: "failed",
      reason: "it claims completed, the API has it failed",
    });
    expect(error).toBeInstanceOf(AlmaraPayError);
    expect(error.name).toBe("UnconfirmedCallbackError");
    expect(isAlmaraPayError(error)).toBe(true);
    expect(isUnconfirmedCallbackError(error)).toBe(true);
    expect(isCallbackError(error)).toBe(false);
    expect(isUnconfirmedCallbackError(new CallbackError("Bill payment", "$", "x"))).toBe(false);
    // By kind, not by class: an error from another copy of the SDK is recognised.
    const foreign = Object.assign(new Error("x"), {
      [Symbol.for("almara-pay.error.kind")]: "UnconfirmedCallbackError",
    });
    expect(isUnconfirmedCallbackError(foreign)).toBe(true);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: "UnconfirmedCallbackError",
      callback: "Bill payment",
      id: "i-1",
      claimed: "completed",
      confirmed: "failed",
    });
  });
});

describe("confirmBillPaymentCallback", () => {
  it("confirms a genuine callback with the API's own record, from text, bytes or an object", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const callback = await paidBill(h, receiver);
    const text = JSON.stringify(callback);
    for (const body of [text, new TextEncoder().encode(text), callback]) {
      const outcome = await confirmBillPaymentCallback(h.pay, body);
      expect(outcome.state).toBe("completed");
      expect(outcome.record).toEqual(callback);
      expect(outcome.record).not.toBe(callback); // the API's copy, not the body's
    }
    expect(lookups(h, "/v1/bill-payments")).toBe(3);
    expect(h.contract.violations).toEqual([]);
  });

  it("confirms a genuine failure as failed", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const callback = await paidBill(h, receiver, "2222222");
    const outcome = await confirmBillPaymentCallback(h.pay, callback);
    expect(outcome.state === "failed" && outcome.result.code).toBe(18);
  });

  it("refuses a well-shaped callback for an id the API never issued (not-found)", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const genuine = await paidBill(h, receiver);
    const forged = { ...genuine, originatorConversationId: randomUUID() };
    const error = await unconfirmed(confirmBillPaymentCallback(h.pay, JSON.stringify(forged)));
    expect(error).toMatchObject({
      name: "UnconfirmedCallbackError",
      callback: "Bill payment",
      id: forged.originatorConversationId,
      claimed: "completed",
      confirmed: "not-found",
    });
    expect(error.message).toBe(
      `Bill payment callback ${forged.originatorConversationId} is not confirmed by the API: ` +
        "the API holds no transaction under its id; do not act on this callback",
    );
  });

  it("refuses a success the API has as failed", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const declined = await paidBill(h, receiver, "2222222");
    const forged = {
      ...declined,
      statusCode: 0,
      statusDescription: "Success",
      receiptNumber: "FORGED1",
    };
    const error = await unconfirmed(confirmBillPaymentCallback(h.pay, forged));
    expect(error).toMatchObject({ claimed: "completed", confirmed: "failed" });
    expect(error.reason).toBe("it claims completed, the API has it failed");
  });

  it("refuses a genuine success with another currency or phone number", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const paid = await paidBill(h, receiver);
    const currency = { ...paid, currencyCode: "USD" };
    expect((await unconfirmed(confirmBillPaymentCallback(h.pay, currency))).reason).toContain(
      "currencyCode",
    );
    const msisdn = { ...paid, msisdn: "254799999999" };
    expect((await unconfirmed(confirmBillPaymentCallback(h.pay, msisdn))).reason).toContain(
      "msisdn",
    );
  });

  it("refuses a failure the API has as completed", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const paid = await paidBill(h, receiver);
    const forged = { ...paid, statusCode: 18, statusDescription: "Declined" };
    const error = await unconfirmed(confirmBillPaymentCallback(h.pay, forged));
    expect(error).toMatchObject({ claimed: "failed", confirmed: "completed" });
  });

  it("refuses a success for a payment the API still has pending; waitMs lets it settle", async () => {
    const h = await use.harness({ settleDelayMs: 60_000 });
    const id = randomUUID();
    await unwrap(
      h.pay.POST("/v1/bill-payments", { body: { ...billPayment, originatorConversationId: id } }),
    );
    const pending = await unwrap(
      h.pay.GET("/v1/bill-payments", { params: { query: { OriginatorConversationId: id } } }),
    );
    const claim = { ...pending, statusCode: 0, statusDescription: "Success" };
    const error = await unconfirmed(confirmBillPaymentCallback(h.pay, claim));
    expect(error).toMatchObject({ id, claimed: "completed", confirmed: "pending" });

    // A genuine callback may outrun its lookup: waiting lets the API catch up.
    const confirming = confirmBillPaymentCallback(h.pay, claim, { waitMs: 30_000, intervalMs: 10 });
    await h.sandbox.settleAll();
    const outcome = await confirming;
    expect(outcome.state).toBe("completed");
    expect(outcome.record.receiptNumber).toMatch(/^SBX/);
  });

  it.each([
    ["receiptNumber", { receiptNumber: "SBXFORGED" }],
    ["amount", { amount: 15 }],
    ["accountNumber", { accountNumber: "7777777" }],
  ])("refuses a completed callback whose %s differs from the API's", async (field, change) => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const paid = await paidBill(h, receiver);
    const error = await unconfirmed(confirmBillPaymentCallback(h.pay, { ...paid, ...change }));
    expect(error).toMatchObject({ claimed: "completed", confirmed: "completed" });
    expect(error.reason).toContain(`it claims ${field} `);
  });

  it("throws CallbackError for a bad body, before any lookup", async () => {
    const h = await use.harness();
    for (const body of ["{not json", { originatorConversationId: 42 }, "[]"]) {
      await expect(confirmBillPaymentCallback(h.pay, body)).rejects.toBeInstanceOf(CallbackError);
    }
    expect(lookups(h, "/v1/bill-payments")).toBe(0);
  });

  it("lets a refused or failed lookup propagate as it is", async () => {
    const h = await use.harness({}, { retry: false });
    const receiver = await use.receiver();
    const paid = await paidBill(h, receiver);
    h.sandbox.injectFault("findBillPayment", { status: 403, body: { title: "Forbidden" } });
    const refused = await rejection(confirmBillPaymentCallback(h.pay, paid));
    expect(isApiError(refused) && refused.status).toBe(403);
    h.sandbox.injectFault("findBillPayment", { reset: "before" });
    expect(isNetworkError(await rejection(confirmBillPaymentCallback(h.pay, paid)))).toBe(true);
  });

  it("validates its arguments", async () => {
    const h = await use.harness();
    await expect(confirmBillPaymentCallback({} as never, "{}")).rejects.toThrow(
      "almara-pay: confirmBillPaymentCallback needs the SDK client (from createAlmaraPay)",
    );
    await expect(confirmBillPaymentCallback(h.pay, "{}", null as never)).rejects.toThrow(
      "almara-pay: confirmBillPaymentCallback options must be an object",
    );
  });
});

describe("confirmPaymentOrderCallback", () => {
  async function webhook(recipient = "254712345678") {
    const receiver = await use.receiver();
    const h = await use.harness({ webhookUrl: receiver.url });
    const next = receiver.next();
    await unwrap(h.pay.POST("/v1/payment-order/new-order", { body: payout(recipient) }));
    return { h, body: (await next) as Record<string, unknown> & { orderLines: any[] } };
  }

  it("confirms a genuine payout webhook, line by line", async () => {
    const { h, body } = await webhook();
    const outcome = await confirmPaymentOrderCallback(h.pay, JSON.stringify(body));
    expect(outcome.state).toBe("completed");
    expect(outcome.lines.map((l) => l.state)).toEqual(["paid"]);
    expect(outcome.record).toEqual(body);
  });

  it("refuses a paid line the API has as failed, and a forged id", async () => {
    const { h, body } = await webhook("254700000001"); // insufficient funds
    const forged = structuredClone(body);
    Object.assign(forged.orderLines[0].transactionOutcome, {
      transactionStatus: 4,
      transactionStatusDescription: "Completed",
      resultCode: "0",
    });
    const error = await unconfirmed(confirmPaymentOrderCallback(h.pay, forged));
    expect(error).toMatchObject({ callback: "Payout", claimed: "completed", confirmed: "failed" });
    const unknown = await unconfirmed(
      confirmPaymentOrderCallback(h.pay, { ...body, originatorConversationId: randomUUID() }),
    );
    expect(unknown.confirmed).toBe("not-found");
  });

  it("refuses another amount on a line", async () => {
    const { h, body } = await webhook();
    const forged = structuredClone(body);
    forged.orderLines[0].transactionOutcome.paymentAmount = 1;
    const error = await unconfirmed(confirmPaymentOrderCallback(h.pay, forged));
    expect(error.reason).toContain("orderLines[0].transactionOutcome.paymentAmount");
  });

  it("refuses another recipient account or transaction amount on a line", async () => {
    const { h, body } = await webhook();
    const account = structuredClone(body);
    account.orderLines[0].recipient.primaryAccountNumber = "254799999999";
    expect((await unconfirmed(confirmPaymentOrderCallback(h.pay, account))).reason).toContain(
      "orderLines[0].recipient.primaryAccountNumber",
    );
    const amount = structuredClone(body);
    amount.orderLines[0].transaction.amount = 999999;
    expect((await unconfirmed(confirmPaymentOrderCallback(h.pay, amount))).reason).toContain(
      "orderLines[0].transaction.amount",
    );
  });

  it("refuses misspelt options rather than ignore them", async () => {
    const { h, body } = await webhook();
    await expect(confirmPaymentOrderCallback(h.pay, body, { waitMS: 10 } as never)).rejects.toThrow(
      /options\.waitMS is not an option/,
    );
  });
});

describe("confirmExpressDepositCallback", () => {
  async function deposit(phone?: string) {
    const h = await use.harness();
    const receiver = await use.receiver();
    const result = await h.pay.POST("/v1/express-deposit", {
      body: expressDeposit(receiver.url, phone),
    });
    const id = originatorConversationIdOf(result)!;
    await unwrap(result);
    await h.sandbox.settleAll();
    await expect.poll(() => receiver.received.length).toBe(phone ? 1 : 2);
    return { h, id, stk: receiver.received[0], ipn: receiver.received[1] };
  }

  it("confirms the final notification with the API's record", async () => {
    const { h, id, ipn } = await deposit();
    const outcome = await confirmExpressDepositCallback(h.pay, ipn);
    expect(outcome.state).toBe("completed");
    expect(outcome.record.originatorConversationId).toBe(id);
    expect(outcome.record.mpesaReceiptNumber).toBe(
      (ipn as { Thirdpartyreceiptnumber: string }).Thirdpartyreceiptnumber,
    );
  });

  it("refuses the STK-push result without the deposit's id, and confirms it with it", async () => {
    const { h, id, stk } = await deposit("254700001032"); // the payer cancels
    const error = await unconfirmed(confirmExpressDepositCallback(h.pay, stk));
    expect(error).toMatchObject({ id: undefined, claimed: "failed", confirmed: "not-looked-up" });
    expect(error.reason).toContain("STK-push result, which is not final");
    const outcome = await confirmExpressDepositCallback(h.pay, stk, {
      originatorConversationId: id,
    });
    expect(outcome).toMatchObject({ state: "failed", record: { resultCode: "1032" } });
  });

  it("refuses a forged notification: unknown id, other receipt, or another deposit's", async () => {
    const { h, id, ipn } = await deposit();
    const body = ipn as Record<string, unknown>;
    const unknown = { ...body, OriginatorConversationId: randomUUID() };
    expect((await unconfirmed(confirmExpressDepositCallback(h.pay, unknown))).confirmed).toBe(
      "not-found",
    );
    const receipt = { ...body, Thirdpartyreceiptnumber: "FORGED" };
    expect((await unconfirmed(confirmExpressDepositCallback(h.pay, receipt))).reason).toContain(
      "Thirdpartyreceiptnumber",
    );
    const other = await unconfirmed(
      confirmExpressDepositCallback(h.pay, ipn, { originatorConversationId: randomUUID() }),
    );
    expect(other).toMatchObject({ id, confirmed: "not-looked-up" });
    const phone = { ...body, PhoneNumber: "254799999999" };
    expect((await unconfirmed(confirmExpressDepositCallback(h.pay, phone))).reason).toContain(
      "PhoneNumber",
    );
    await expect(
      confirmExpressDepositCallback(h.pay, ipn, { originatorConversationID: id } as never),
    ).rejects.toThrow(/options\.originatorConversationID is not an option/);
  });

  it("refuses an STK-push result that carries no MerchantRequestID, even with the deposit's id", async () => {
    const { h, id, stk } = await deposit();
    const replay = structuredClone(stk) as { Body: { StkCallback: Record<string, unknown> } };
    delete replay.Body.StkCallback.MerchantRequestID;
    replay.Body.StkCallback.CheckoutRequestID = "ws_CO_replayed";
    const error = await unconfirmed(
      confirmExpressDepositCallback(h.pay, replay, { originatorConversationId: id }),
    );
    expect(error.reason).toContain("MerchantRequestID");
    // A genuine push result is not final: the final notification alone confirms the payment.
    const genuine = await confirmExpressDepositCallback(h.pay, stk, {
      originatorConversationId: id,
    });
    expect(genuine).toMatchObject({ state: "pending", record: { resultCode: "0" } });
  });
});

describe("confirmAirtimeCallback", () => {
  it("confirms a genuine callback and refuses a recipient topped up only in the callback", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const next = receiver.next();
    const recipients = [
      { phoneNumber: "254710000000", amount: 100 },
      { phoneNumber: "254700000006", amount: 50 }, // fails
    ];
    await unwrap(
      h.pay.POST("/v1/airtime-purchase", { body: { callBackUrl: receiver.url, recipients } }),
    );
    const body = (await next) as { recipients: Record<string, unknown>[] };
    const outcome = await confirmAirtimeCallback(h.pay, body);
    expect(outcome.state).toBe("failed");
    expect(outcome.recipients.map((r) => r.state)).toEqual(["completed", "failed"]);

    const forged = structuredClone(body);
    Object.assign(forged.recipients[1]!, { status: 4, statusCode: 0, receiptNumber: "X" });
    const error = await unconfirmed(confirmAirtimeCallback(h.pay, forged));
    expect(error).toMatchObject({ callback: "Airtime", claimed: "completed", confirmed: "failed" });
  });
});

describe("confirmAccountValidationCallback and confirmKycCallback", () => {
  it("confirm a genuine validation, and refuse another holder", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const next = receiver.next();
    const stan = randomUUID();
    await unwrap(
      h.pay.POST("/v1/account/validate", {
        body: {
          type: 1,
          systemTraceAuditNumber: stan,
          primaryAccountNumber: "254712345678",
          institutionCode: "63902",
          callBackUrl: receiver.url,
          callBackFormat: "JSON",
        },
      }),
    );
    const body = (await next) as Record<string, unknown>;
    const outcome = await confirmAccountValidationCallback(h.pay, body);
    expect(outcome).toMatchObject({
      state: "completed",
      record: {
        systemTraceAuditNumber: stan,
        transactionCreditParty: "254712345678 - AMINA OTIENO",
      },
    });
    const forged = { ...body, transactionCreditParty: "254712345678 - MALLORY" };
    const error = await unconfirmed(confirmAccountValidationCallback(h.pay, forged));
    expect(error.reason).toContain("transactionCreditParty");
    const unknown = { ...body, systemTraceAuditNumber: randomUUID() };
    expect((await unconfirmed(confirmAccountValidationCallback(h.pay, unknown))).confirmed).toBe(
      "not-found",
    );
  });

  it("confirm a genuine KYC result; one without a STAN cannot be looked up", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const next = receiver.next();
    await unwrap(
      h.pay.POST("/v1/kyc-request/validate", {
        body: {
          routeId: "4c2e8a1b-3d5f-4e6a-8b7c-9d0e1f2a3b4c",
          kycRequestFirstName: "Irina",
          kycRequestLastName: "Muthoni",
          kycRequestNationalID: "23456789",
          kycRequestReportReason: 1,
          systemTraceAuditNumber: randomUUID(),
          kycRequestCallBackURL: receiver.url,
        },
      }),
    );
    const body = (await next) as Record<string, unknown>;
    const outcome = await confirmKycCallback(h.pay, body);
    expect(outcome.state).toBe("completed");
    const { systemTraceAuditNumber: _stan, ...anonymous } = body;
    const error = await unconfirmed(confirmKycCallback(h.pay, anonymous));
    expect(error).toMatchObject({ callback: "KYC", id: undefined, confirmed: "not-looked-up" });
  });
});

describe("confirmCheckoutCallback", () => {
  it("confirms a genuine checkout result, and refuses another payment reference", async () => {
    const h = await use.harness();
    const receiver = await use.receiver();
    const next = receiver.next();
    const originatorConversationId = randomUUID();
    await unwrap(
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
    const body = (await next) as { checkoutOutcome: { ThirdPartyPayload: { Reference: string } } };
    const outcome = await confirmCheckoutCallback(h.pay, body);
    expect(outcome).toMatchObject({ state: "completed", record: { originatorConversationId } });
    const forged = structuredClone(body);
    forged.checkoutOutcome.ThirdPartyPayload.Reference = "TXNFORGED";
    const error = await unconfirmed(confirmCheckoutCallback(h.pay, forged));
    expect(error).toMatchObject({ callback: "Checkout", confirmed: "completed" });
    expect(error.reason).toContain("ThirdPartyPayload.Reference");
    const price = structuredClone(body) as unknown as { checkoutRequestLines: { price: number }[] };
    price.checkoutRequestLines[0]!.price = 1;
    expect((await unconfirmed(confirmCheckoutCallback(h.pay, price))).reason).toContain(
      "checkoutRequestLines[0].line.price",
    );
  });
});
