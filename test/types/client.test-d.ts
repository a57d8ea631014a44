/** Compile-time tests of the client's public types. */
import type { Client } from "openapi-fetch";
import { billPayment } from "../support/fixtures.js";
import { describe, expectTypeOf, it } from "vitest";
import {
  createAlmaraPay,
  unwrap,
  type AlmaraPayOptions,
  type AlmaraPayPaths,
  type components,
  type paths,
} from "../../src/index.js";

const pay = createAlmaraPay({
  baseUrl: "http://127.0.0.1:4010",
  clientId: "id",
  clientSecret: "secret",
});

describe("createAlmaraPay", () => {
  it("returns an openapi-fetch client typed by the spec's paths", () => {
    expectTypeOf(pay.use).toEqualTypeOf<Client<paths, "application/json">["use"]>();
    expectTypeOf(pay.eject).toEqualTypeOf<Client<AlmaraPayPaths, "application/json">["eject"]>();
    // @ts-expect-error -- not a path of the API
    void pay.GET("/v1/no-such-path");
    // @ts-expect-error -- a path the API has, but not for GET
    void pay.GET("/v1/payment-order/new-order");
  });

  it("types each answer as the spec does", async () => {
    const { data } = await pay.GET("/v1/bill-services");
    expectTypeOf(data).toEqualTypeOf<components["schemas"]["BillService"][] | undefined>();
  });

  it("requires baseUrl, clientId and clientSecret", () => {
    // @ts-expect-error -- baseUrl is required
    createAlmaraPay({ clientId: "id", clientSecret: "secret" });
    // @ts-expect-error -- clientSecret is required
    createAlmaraPay({ baseUrl: "http://127.0.0.1:4010", clientId: "id" });
    expectTypeOf<AlmaraPayOptions["timeoutMs"]>().toEqualTypeOf<number | undefined>();
  });

  it("lets a payment leave out originatorConversationId (the SDK generates it) but nothing else", () => {
    const { originatorConversationId: _id, ...withoutId } = billPayment;
    void pay.POST("/v1/bill-payments", { body: withoutId });
    const { msisdn: _msisdn, ...withoutMsisdn } = withoutId;
    // @ts-expect-error -- a payment still needs the payer's msisdn
    void pay.POST("/v1/bill-payments", { body: withoutMsisdn });
    // @ts-expect-error -- and a valid transactionType
    void pay.POST("/v1/bill-payments", { body: { ...withoutId, transactionType: 4 } });
  });

  it("accepts a body built elsewhere: typed as the spec's type, as a union, or untyped", () => {
    type Order = components["schemas"]["PaymentOrderRequest"];
    const order: Order = {
      originatorConversationId: "c1",
      paymentNotes: "April",
      paymentOrderLines: [
        {
          recipient: { name: "A", phoneNumber: "+254712345678", primaryAccountNumber: "1" },
          transaction: { routeId: "r", channelType: 1, amount: 1, reference: "x" },
        },
      ],
    };
    void pay.POST("/v1/payment-order/new-order", { body: order });
    const either = Math.random() > 0.5 ? billPayment : { ...billPayment, narration: "rent" };
    void pay.POST("/v1/bill-payments", { body: either });
    const untyped: any = JSON.parse("{}");
    void pay.POST("/v1/bill-payments", { body: untyped });
  });

  it("a generic helper passes its body as the spec's type (the check cannot read a type parameter)", () => {
    type Order = components["schemas"]["PaymentOrderRequest"];
    function sendOrder<T extends Order>(order: T) {
      // @ts-expect-error -- a type parameter's fields cannot be checked: name the spec's type
      void pay.POST("/v1/payment-order/new-order", { body: order });
      return pay.POST("/v1/payment-order/new-order", { body: order as Order });
    }
    void sendOrder;
  });

  it("rejects a misspelt field in every kind of body at compile time, at any depth", () => {
    // @ts-expect-error -- `amout` is not a field of a bill payment
    void pay.POST("/v1/bill-payments", { body: { ...billPayment, amout: 1500 } });
    void pay.POST("/v1/payment-order/new-order", {
      body: {
        originatorConversationId: "c1",
        paymentNotes: "April",
        paymentOrderLines: [
          {
            // Every required field is there: each error below is the extra field's alone.
            recipient: { name: "A", phoneNumber: "+254712345678", primaryAccountNumber: "1" },
            // @ts-expect-error -- `recipent` is not a field of an order line
            recipent: { name: "A" },
            transaction: {
              routeId: "r",
              channelType: 1,
              amount: 1,
              reference: "x",
              // @ts-expect-error -- `refrence` is not a field of a transaction (two levels down)
              refrence: "x",
            },
            remitter: {
              name: "B",
              // @ts-expect-error -- `nationalty` is not a field of a remitter
              nationalty: "KE",
            },
          },
        ],
      },
    });
    void pay.POST("/v1/express-deposit", {
      body: {
        ShortCode: "600980",
        Amount: 10,
        PhoneNumber: "254712345678",
        TransactionDesc: "x",
        OriginatorConversationId: "c2",
        CallBackUrl: "https://merchant.example.com/cb",
        // @ts-expect-error -- `Ammount` is not a field of an express deposit
        Ammount: 10,
      },
    });
    void pay.PUT("/v1/payment-link/update-payment-link", {
      // @ts-expect-error -- `amont` is not a field of a payment link
      body: { id: "l1", amont: 10 },
    });
  });

  it("accepts a per-request timeoutMs, retry and maxResponseBytes, and refuses wrong values", () => {
    void pay.GET("/v1/bill-services", { retry: false });
    void pay.GET("/v1/bill-services", { retry: { retries: 5, unsafe: true } });
    void pay.GET("/v1/bill-services", { timeoutMs: 5000, maxResponseBytes: 1024 });
    // @ts-expect-error -- retry is a policy or false
    void pay.GET("/v1/bill-services", { retry: "nonsense" });
    // @ts-expect-error -- retry.retries is a number
    void pay.GET("/v1/bill-services", { retry: { retries: "many" } });
    // @ts-expect-error -- timeoutMs is a number of milliseconds
    void pay.GET("/v1/bill-services", { timeoutMs: "soon" });
    // @ts-expect-error -- maxResponseBytes is a number of bytes
    void pay.GET("/v1/bill-services", { maxResponseBytes: "1 MB" });
    // @ts-expect-error -- and on a POST with a body too
    void pay.POST("/v1/bill-payments", { body: billPayment, timeoutMs: "soon" });
  });
});

describe("unwrap", () => {
  it("resolves to the success body of the operation", async () => {
    const routes = await unwrap(pay.GET("/v1/transaction-routes/assigned-routes"));
    expectTypeOf(routes).toEqualTypeOf<components["schemas"]["TransactionRoutes"]>();
    const accepted = await unwrap(
      pay.POST("/v1/bill-payments", {
        body: { transactionType: 3, serviceCode: "KE-ZUKU", accountNumber: "240065" },
      }),
    );
    expectTypeOf(accepted).toEqualTypeOf<components["schemas"]["BillPaymentAccepted"]>();
  });
});
