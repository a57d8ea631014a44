/**
 * Account validation and KYC over real HTTP, through the SDK: accepted, completed asynchronously,
 * the result posted to the callback URL and found by STAN; unknown accounts and people say so.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  isApiError,
  parseAccountValidationCallback,
  parseKycCallback,
  unwrap,
} from "../../src/index.js";
import { closedAfterEach, type Harness } from "../support/sandbox.js";

const use = closedAfterEach();

const KYC_ROUTE = "4c2e8a1b-3d5f-4e6a-8b7c-9d0e1f2a3b4c";

function validate(harness: Harness, primaryAccountNumber: string, callBackUrl: string) {
  return unwrap(
    harness.pay.POST("/v1/account/validate", {
      body: {
        type: 1,
        systemTraceAuditNumber: randomUUID(),
        primaryAccountNumber,
        institutionCode: "63902",
        callBackUrl,
        callBackFormat: "JSON",
      },
    }),
  );
}

describe("account validation", () => {
  it("completes asynchronously: pending, then the holder, by callback and by lookup", async () => {
    // Settled by hand, never by a timer: the pending state is looked at while it surely holds.
    const h = await use.harness({ settleDelayMs: 60_000 });
    const receiver = await use.receiver();
    const { systemTraceAuditNumber: stan, message } = await validate(
      h,
      "254712345678",
      receiver.url,
    );
    expect(message).toBe("Request Accepted. Kindly await processing");
    const query = { params: { query: { stan } } };
    expect(await unwrap(h.pay.GET("/v1/account/query", query))).toMatchObject({
      status: 0,
      transactionCreditParty: null,
    });
    await h.sandbox.settleAll();
    const callback = parseAccountValidationCallback(await receiver.next());
    expect(callback).toMatchObject({
      systemTraceAuditNumber: stan,
      status: 4,
      statusDesc: "Completed",
      resultCode: "0",
      transactionCreditParty: "254712345678 - AMINA OTIENO",
    });
    expect(await unwrap(h.pay.GET("/v1/account/query", query))).toEqual(callback);
    expect(h.contract.violations).toEqual([]);
  });

  it("says an unknown account is unknown, and refuses a reused STAN", async () => {
    const h = await use.harness({ settleDelayMs: 20 });
    const { systemTraceAuditNumber: stan } = await validate(
      h,
      "254799999999",
      "http://127.0.0.1:9/v",
    );
    await h.sandbox.settleAll();
    const result = await unwrap(h.pay.GET("/v1/account/query", { params: { query: { stan } } }));
    expect(result).toMatchObject({ status: 4, resultCode: "2001", transactionCreditParty: null });
    const again = await unwrap(
      h.pay.POST("/v1/account/validate", {
        body: {
          type: 1,
          systemTraceAuditNumber: stan,
          primaryAccountNumber: "254712345678",
          institutionCode: "63902",
          callBackUrl: "http://127.0.0.1:9/v",
          callBackFormat: "JSON",
        },
      }),
    ).catch((error: unknown) => error);
    expect(isApiError(again) && again.status).toBe(400);
    const { response } = await h.pay.GET("/v1/account/query", {
      params: { query: { stan: randomUUID() } },
    });
    expect(response.status).toBe(404);
    expect(h.contract.violations).toEqual([]);
  });
});

describe("KYC", () => {
  const check = (harness: Harness, nationalId: string, lastName: string, callback?: string) =>
    unwrap(
      harness.pay.POST("/v1/kyc-request/validate", {
        body: {
          routeId: KYC_ROUTE,
          kycRequestFirstName: "Irina",
          kycRequestLastName: lastName,
          kycRequestNationalID: nationalId,
          kycRequestReportReason: 1,
          systemTraceAuditNumber: randomUUID(),
          ...(callback ? { kycRequestCallBackURL: callback } : {}),
        },
      }),
    );

  it("verifies a registered person asynchronously, by callback and by lookup", async () => {
    const h = await use.harness({ settleDelayMs: 100 });
    const receiver = await use.receiver();
    const { systemTraceAuditNumber: stan } = await check(h, "23456789", "Muthoni", receiver.url);
    const callback = parseKycCallback(await receiver.next());
    expect(callback).toMatchObject({
      systemTraceAuditNumber: stan,
      statusDesc: "Completed",
      kycRecordDto: { responseCode: "0", kycRequestFullNames: "IRINA MUTHONI" },
    });
    const found = await unwrap(
      h.pay.GET("/v1/kyc-request/check-status", { params: { query: { stan } } }),
    );
    expect(found).toEqual(callback);
    expect(h.contract.violations).toEqual([]);
  });

  it("refuses a KYC check that reuses a STAN, in a shape the spec declares for it", async () => {
    const h = await use.harness();
    const body = {
      routeId: KYC_ROUTE,
      kycRequestFirstName: "Irina",
      kycRequestLastName: "Muthoni",
      kycRequestNationalID: "23456789",
      kycRequestReportReason: 1,
      systemTraceAuditNumber: randomUUID(),
    };
    expect((await h.pay.POST("/v1/kyc-request/validate", { body })).response.status).toBe(200);
    const again = await h.pay.POST("/v1/kyc-request/validate", { body });
    expect(again.response.status).toBe(400);
    expect(again.error).toMatchObject({
      systemTraceAuditNumber: body.systemTraceAuditNumber,
      errorMessage: expect.stringContaining("duplicate"),
    });
    expect(h.contract.violations).toEqual([]);
  });

  it("does not verify names that do not match, nor an unknown ID; needs a KYC route", async () => {
    const h = await use.harness({ settleDelayMs: 20 });
    const wrongName = await check(h, "23456789", "Otieno");
    const unknown = await check(h, "99999999", "Muthoni");
    await h.sandbox.settleAll();
    const codes = [];
    for (const { systemTraceAuditNumber: stan } of [wrongName, unknown]) {
      const found = await unwrap(
        h.pay.GET("/v1/kyc-request/check-status", { params: { query: { stan } } }),
      );
      codes.push([found.kycRecordDto?.responseCode, found.kycRecordDto?.responseCodeDesc]);
    }
    expect(codes).toEqual([
      ["1", "Names do not match"],
      ["1", "Not found"],
    ]);
    const wrongRoute = await h.pay.POST("/v1/kyc-request/validate", {
      body: {
        routeId: "9b3f6c1e-2d4a-4f8b-a6e5-7c9d0e1f2a3b",
        kycRequestFirstName: "Irina",
        kycRequestLastName: "Muthoni",
        kycRequestNationalID: "23456789",
        kycRequestReportReason: 1,
        systemTraceAuditNumber: randomUUID(),
      },
    });
    expect(wrongRoute.response.status).toBe(400);
    expect(h.contract.violations).toEqual([]);
  });
});
