/**
 * Compile-time tests of the generated types: misuse is a type error, and every bill and
 * payment-link response type has its documented fields.
 */
import createClient from "openapi-fetch";
import { describe, expectTypeOf, it } from "vitest";
import type { components, paths } from "../../src/generated/schema.js";
import { billPayment as payment } from "../support/fixtures.js";

type Schemas = components["schemas"];
const client = createClient<paths>({ baseUrl: "http://127.0.0.1:4010" });

describe("request types", () => {
  it("accepts a complete payment, a bare validation and a bare query", () => {
    void client.POST("/v1/bill-payments", { body: payment });
    void client.POST("/v1/bill-payments", {
      body: { ServiceId: payment.ServiceId, accountNumber: "1111111", transactionType: 3 },
    });
    void client.POST("/v1/bill-payments", {
      body: { serviceCode: "KE-ZUKU", accountNumber: "240065", transactionType: 1 },
    });
  });

  it("rejects a path the API does not have", () => {
    // @ts-expect-error -- not a path of the spec
    void client.GET("/v1/bill-payment");
  });

  it("rejects a payment without msisdn", () => {
    const { msisdn: _msisdn, ...withoutMsisdn } = payment;
    // @ts-expect-error -- a payment (transactionType 2) needs the payer's msisdn
    void client.POST("/v1/bill-payments", { body: withoutMsisdn });
  });

  it("rejects a payment without amount", () => {
    const { amount: _amount, ...withoutAmount } = payment;
    // @ts-expect-error -- a payment (transactionType 2) needs an amount
    void client.POST("/v1/bill-payments", { body: withoutAmount });
  });

  it("rejects a payment without originatorConversationId", () => {
    const { originatorConversationId: _id, ...withoutId } = payment;
    // @ts-expect-error -- a payment is identified by its originatorConversationId
    void client.POST("/v1/bill-payments", { body: withoutId });
  });

  it("rejects a transactionType outside 1, 2 and 3", () => {
    // @ts-expect-error -- 4 is not a bill transaction type
    void client.POST("/v1/bill-payments", { body: { ...payment, transactionType: 4 } });
  });

  it("rejects a bill request that names no bill service", () => {
    const noService = { accountNumber: "1111111", transactionType: 3 } as const;
    // @ts-expect-error -- ServiceId or serviceCode is required
    void client.POST("/v1/bill-payments", { body: noService });
  });

  it("rejects a fixed-amount payment link without an amount", () => {
    const fixedWithoutAmount = { shortCode: "600980", isAmountSpecified: true } as const;
    const open = { shortCode: "600980", isAmountSpecified: false } as const;
    // @ts-expect-error -- isAmountSpecified: true needs the amount
    void client.POST("/v1/payment-link/create-payment-link", { body: fixedWithoutAmount });
    void client.POST("/v1/payment-link/create-payment-link", { body: open });
  });

  it("requires the lookup's query parameters", () => {
    // @ts-expect-error -- OriginatorConversationId is required
    void client.GET("/v1/bill-payments", { params: { query: {} } });
    // @ts-expect-error -- the payment link update needs its id
    void client.PUT("/v1/payment-link/update-payment-link", { body: { amount: 10 } });
  });

  it("types the token request as a form with a fixed grant type", () => {
    expectTypeOf<Schemas["TokenRequest"]["grant_type"]>().toEqualTypeOf<"client_credentials">();
  });
});

describe("response types", () => {
  it("bill payment: the accepted envelope", () => {
    type Message = Schemas["BillPaymentAccepted"]["message"];
    expectTypeOf<Message["systemConversationId"]>().toEqualTypeOf<string>();
    expectTypeOf<Message["timestamp"]>().toEqualTypeOf<string>();
    expectTypeOf<Message>().toHaveProperty("originatorConversationId");
    expectTypeOf<Message>().toHaveProperty("accountCustomerName");
    expectTypeOf<Message>().toHaveProperty("dueAmount");
    expectTypeOf<Message["dueDate"]>().toEqualTypeOf<string | null | undefined>();
  });

  it("bill payment lookup: the stored payment", async () => {
    const { data } = await client.GET("/v1/bill-payments", {
      params: { query: { OriginatorConversationId: "x" } },
    });
    expectTypeOf(data).toEqualTypeOf<Schemas["BillPaymentStatus"] | undefined>();
    expectTypeOf<
      Schemas["BillPaymentStatus"]["originatorConversationId"]
    >().toEqualTypeOf<string>();
    expectTypeOf<Schemas["BillPaymentStatus"]>().toHaveProperty("statusCode");
    expectTypeOf<Schemas["BillPaymentStatus"]>().toHaveProperty("receiptNumber");
    expectTypeOf<Schemas["BillPaymentStatus"]["serviceID"]>().toEqualTypeOf<
      number | string | undefined
    >();
  });

  it("bill services, bill numbers and routes", async () => {
    const services = await client.GET("/v1/bill-services");
    expectTypeOf(services.data).toEqualTypeOf<Schemas["BillService"][] | undefined>();
    expectTypeOf<Schemas["BillService"]["serviceId"]>().toEqualTypeOf<string>();
    const saved = await client.POST("/v1/bill-numbers", {
      body: { serviceCode: "KE-ZUKU", accountNumber: "240065" },
    });
    expectTypeOf(saved.data).toEqualTypeOf<Schemas["BillNumberAccepted"] | undefined>();
    expectTypeOf<Schemas["BillNumberAccepted"]["message"]>().toHaveProperty("lastKnownBalance");
    const found = await client.GET("/v1/bill-numbers", {
      params: { query: { serviceId: "1", accountNumber: "240065" } },
    });
    expectTypeOf(found.data).toEqualTypeOf<Schemas["BillNumber"] | undefined>();
    expectTypeOf<Schemas["BillNumber"]>().toHaveProperty("verified");
    const routes = await client.GET("/v1/transaction-routes/assigned-routes");
    expectTypeOf<NonNullable<typeof routes.data>["routes"][number]["id"]>().toEqualTypeOf<string>();
  });

  it("payment links", async () => {
    const created = await client.POST("/v1/payment-link/create-payment-link", {
      body: { shortCode: "600980", isAmountSpecified: true, amount: 2500 },
    });
    // The documented answer is `{}`: the id of a new link is optional, and required once stored.
    expectTypeOf(created.data).toExtend<Schemas["PaymentLinkCreated"] | undefined>();
    expectTypeOf<NonNullable<typeof created.data>["id"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Schemas["PaymentLink"]["id"]>().toEqualTypeOf<string>();
    expectTypeOf<Schemas["PaymentLink"]>().toHaveProperty("redirectionSite");
    const found = await client.GET("/v1/payment-link/get-payment-link", {
      params: { query: { Id: "x" } },
    });
    expectTypeOf(found.data).toExtend<Schemas["PaymentLink"] | undefined>();
    expectTypeOf<NonNullable<typeof found.data>>().toHaveProperty("amount");
  });

  it("errors are the documented shapes", async () => {
    const { error } = await client.POST("/v1/bill-payments", { body: payment });
    expectTypeOf(error).toEqualTypeOf<
      | Schemas["ProblemDetails"]
      | Schemas["DomainError"]
      | Schemas["DomainValidationError"]
      | Schemas["OAuthError"]
      | undefined
    >();
    expectTypeOf<Schemas["ProblemDetails"]["errors"]>().toEqualTypeOf<
      { [key: string]: string[] } | undefined
    >();
  });
});
