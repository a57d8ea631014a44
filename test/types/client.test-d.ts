/** Compile-time tests of the client's public types. */
import type { Client } from "openapi-fetch";
import { describe, expectTypeOf, it } from "vitest";
import {
  createAlmaraPay,
  unwrap,
  type AlmaraPayOptions,
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
    expectTypeOf(pay).toExtend<Client<paths, "application/json">>();
    expectTypeOf(pay.use).toEqualTypeOf<Client<paths, "application/json">["use"]>();
  });

  it("requires baseUrl, clientId and clientSecret", () => {
    // @ts-expect-error -- baseUrl is required
    createAlmaraPay({ clientId: "id", clientSecret: "secret" });
    // @ts-expect-error -- clientSecret is required
    createAlmaraPay({ baseUrl: "http://127.0.0.1:4010", clientId: "id" });
    expectTypeOf<AlmaraPayOptions["timeoutMs"]>().toEqualTypeOf<number | undefined>();
  });

  it("accepts a per-request timeoutMs", () => {
    void pay.GET("/v1/bill-services", { timeoutMs: 5000 });
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
