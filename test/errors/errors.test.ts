import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  AlmaraPayError,
  AmbiguousOutcomeError,
  ApiError,
  AuthenticationError,
  CallbackError,
  UnconfirmedCallbackError,
  DuplicateIdError,
  InvalidResponseError,
  NetworkError,
  TimeoutError,
  createAlmaraPay,
  isAlmaraPayError,
  isAmbiguousOutcomeError,
  isApiError,
  isAuthenticationError,
  isCallbackError,
  isUnconfirmedCallbackError,
  isDuplicateIdError,
  isInvalidResponseError,
  isNetworkError,
  isTimeoutError,
  unwrap,
} from "../../src/index.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json } from "../support/fake-api.js";

const problem = {
  errors: { AccountNumber: ["The AccountNumber field is required."] },
  type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
  title: "One or more validation errors occurred.",
  status: 400,
  traceId: "00-03529608f740804d9e7bf8210d6e1cb9-df15d6e73e04804c-00",
};
const domain = {
  appDomainName: "LIVE",
  timestamp: "2021-10-18T07:14:53.1362329Z",
  reason: "Account number number is invalid.",
};

function payWith(handler: () => Response, route = "POST /v1/bill-numbers") {
  const api = createFakeApi();
  api.routes.set(route, handler);
  return createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch });
}
const body = { serviceCode: "KE-ZUKU", accountNumber: "" };

describe("HTTP errors", () => {
  it("stay { error } values, as in openapi-fetch", async () => {
    const pay = payWith(() => json(problem, 400));
    const { data, error, response } = await pay.POST("/v1/bill-numbers", { body });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error).toEqual(problem);
  });

  it("unwrap() throws ApiError for ProblemDetails, with field errors and traceId", async () => {
    const pay = payWith(() => json(problem, 400, { "x-request-id": "req-42" }));
    const error = (await unwrap(pay.POST("/v1/bill-numbers", { body })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      "POST /v1/bill-numbers failed with 400 Bad Request: AccountNumber: The AccountNumber field is required.",
    );
    expect(error).toMatchObject({
      status: 400,
      method: "POST",
      path: "/v1/bill-numbers",
      kind: "problem",
      traceId: problem.traceId,
      requestId: "req-42",
      fieldErrors: { AccountNumber: ["The AccountNumber field is required."] },
      body: problem,
    });
  });

  it("unwrap() recognises the domain error { appDomainName, timestamp, reason }", async () => {
    const pay = payWith(() => json(domain, 400));
    const error = (await unwrap(pay.POST("/v1/bill-numbers", { body })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toMatchObject({ kind: "domain", reason: domain.reason, status: 400 });
    expect(error.message).toBe(
      "POST /v1/bill-numbers failed with 400 Bad Request: Account number number is invalid.",
    );
  });

  it("unwrap() reads the API's other error objects: the payout lookup's not-found, the account validation's refusal", async () => {
    const notFound = {
      id: "o-1",
      idType: "OriginatorConversationId",
      message: "Payment order not found",
    };
    const lookup = payWith(() => json(notFound, 404), "GET /v1/payment-order/check-status");
    const query = { params: { query: { Id: "o-1", IdType: "OriginatorConversationId" as const } } };
    await expect(unwrap(lookup.GET("/v1/payment-order/check-status", query))).rejects.toMatchObject(
      {
        kind: "domain",
        reason: "Payment order not found",
        status: 404,
        message:
          "GET /v1/payment-order/check-status failed with 404 Not Found: Payment order not found",
      },
    );
    const refusal = { systemTraceAuditNumber: "stan-1", errorMessage: "Something went wrong" };
    const validation = payWith(() => json(refusal, 400), "POST /v1/account/validate");
    const account = {
      type: 1 as const,
      systemTraceAuditNumber: "stan-1",
      primaryAccountNumber: "254712345678",
      institutionCode: "63902",
      callBackUrl: "https://merchant.example.com/cb",
      callBackFormat: "JSON" as const,
    };
    await expect(
      unwrap(validation.POST("/v1/account/validate", { body: account })),
    ).rejects.toMatchObject({
      kind: "domain",
      reason: "Something went wrong",
    });
  });

  it("unwrap() given something else than a call's result says so; a guard given a hostile object says no", async () => {
    for (const wrong of [undefined, {}, { data: 1 }, Promise.resolve(null)]) {
      await expect(unwrap(wrong as never)).rejects.toThrow(
        "almara-pay: unwrap() takes what a client method returns",
      );
    }
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    expect(isApiError(hostile)).toBe(false);
    expect(isAlmaraPayError(hostile)).toBe(false);
  });

  it("unwrap() recognises an OAuth error body and an unknown one", async () => {
    const oauth = payWith(() => json({ error: "insufficient_scope" }, 403));
    await expect(unwrap(oauth.POST("/v1/bill-numbers", { body }))).rejects.toMatchObject({
      kind: "oauth",
      reason: "insufficient_scope",
      status: 403,
    });
    const html = payWith(
      () => new Response("<h1>Bad gateway</h1>", { status: 502, statusText: "Bad Gateway" }),
    );
    await expect(unwrap(html.POST("/v1/bill-numbers", { body }))).rejects.toMatchObject({
      kind: "unknown",
      status: 502,
      body: "<h1>Bad gateway</h1>",
      message: "POST /v1/bill-numbers failed with 502 Bad Gateway",
    });
  });

  it("unwrap() returns the data of a success, typed", async () => {
    const accepted = {
      message: { appDomainName: "LIVE", remarks: "ok", systemConversationId: "x", timestamp: "t" },
    };
    const pay = payWith(() => json(accepted));
    const data = await unwrap(pay.POST("/v1/bill-numbers", { body }));
    expect(data.message.remarks).toBe("ok");
  });
});

describe("the error hierarchy", () => {
  const samples: [string, AlmaraPayError, (e: unknown) => boolean][] = [
    ["ApiError", new ApiError({ status: 500, method: "GET", path: "/x", body: {} }), isApiError],
    ["AuthenticationError", new AuthenticationError("no token"), isAuthenticationError],
    ["NetworkError", new NetworkError("GET", "/x"), isNetworkError],
    ["TimeoutError", new TimeoutError("GET", "/x", 10), isTimeoutError],
    [
      "DuplicateIdError",
      new DuplicateIdError({ status: 400, method: "POST", path: "/x", body: {} }),
      isDuplicateIdError,
    ],
    [
      "InvalidResponseError",
      new InvalidResponseError("GET", "/x", 200, "an empty body"),
      isInvalidResponseError,
    ],
    [
      "AmbiguousOutcomeError",
      new AmbiguousOutcomeError({
        method: "POST",
        path: "/x",
        originatorConversationId: "id",
        why: "lost",
      }),
      isAmbiguousOutcomeError,
    ],
    ["CallbackError", new CallbackError("bill payment", "$", "is empty"), isCallbackError],
    [
      "UnconfirmedCallbackError",
      new UnconfirmedCallbackError({
        callback: "Bill payment",
        id: "id",
        claimed: "completed",
        confirmed: "not-found",
        reason: "the API holds no transaction under this id",
      }),
      isUnconfirmedCallbackError,
    ],
  ];

  it.each(samples)("%s is an AlmaraPayError with its own name and guard", (name, error, guard) => {
    expect(error).toBeInstanceOf(AlmaraPayError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(isAlmaraPayError(error)).toBe(true);
    expect(guard(error)).toBe(true);
    for (const [other, , otherGuard] of samples)
      if (other !== name) expect(otherGuard(error)).toBe(false);
  });

  it("guards recognise errors from another realm and reject look-alikes", () => {
    const foreign = runInNewContext(
      "const e = new Error('x'); e[Symbol.for('almara-pay.error.kind')] = 'TimeoutError'; e",
    ) as unknown;
    expect(foreign instanceof TimeoutError).toBe(false);
    expect(isTimeoutError(foreign)).toBe(true);
    expect(isAlmaraPayError(foreign)).toBe(true);
    const impostor = Object.assign(new Error("x"), { name: "TimeoutError" });
    expect(isTimeoutError(impostor)).toBe(false);
    expect(isAlmaraPayError(null)).toBe(false);
  });

  it("keeps the cause as a scrubbed copy: same class, message and code", () => {
    const cause = Object.assign(new TypeError("fetch failed"), { code: "ECONNRESET" });
    const kept = new NetworkError("GET", "/x", { cause }).cause as TypeError & { code: string };
    expect(kept).toBeInstanceOf(TypeError);
    expect(kept.message).toBe("fetch failed");
    expect(kept.code).toBe("ECONNRESET");
    expect(kept.stack).toBe(cause.stack);
  });
});
