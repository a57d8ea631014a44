import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  createAlmaraPay,
  createAuthMiddleware,
  createTokenProvider,
  unwrap,
  type paths,
} from "../../src/index.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json } from "../support/fake-api.js";
import { billPayment as payment } from "../support/fixtures.js";

const accepted = {
  message: {
    appDomainName: "TEST",
    remarks: "Bill Payment submission accepted",
    systemConversationId: "01000000-0129-0a00-1ac0-08de9ac69d58",
    timestamp: "2026-04-15T08:11:37.3471201Z",
  },
};

describe("auth middleware", () => {
  it("sends the bearer token on API calls and none to the token endpoint", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch });
    const { data } = await pay.GET("/v1/bill-services");
    expect(data).toEqual([]);
    expect(api.received.map((r) => [r.path, r.authorization])).toEqual([
      ["/connect/token", null],
      ["/v1/bill-services", `Bearer ${api.issued[0]}`],
    ]);
  });

  it("replays a 401 once with a fresh token, body intact", async () => {
    const api = createFakeApi();
    api.routes.set("POST /v1/bill-payments", () => json(accepted));
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch });
    await pay.GET("/v1/bill-services"); // obtains token 1
    api.valid.clear(); // the API revokes it

    const { data, response } = await pay.POST("/v1/bill-payments", { body: payment });
    expect(response.status).toBe(200);
    expect(data).toEqual(accepted);
    const posts = api.received.filter((r) => r.path === "/v1/bill-payments");
    expect(posts.map((r) => r.authorization)).toEqual([
      `Bearer ${api.issued[0]}`,
      `Bearer ${api.issued[1]}`,
    ]);
    expect(posts.map((r) => JSON.parse(r.body))).toEqual([payment, payment]);
    expect(posts.map((r) => r.contentType)).toEqual(["application/json", "application/json"]);
    expect(api.tokenRequests()).toHaveLength(2);
  });

  it("surfaces a second 401 as an ApiError and never loops", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json({ error: "invalid_token" }, 401));
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch });
    const result = await pay.GET("/v1/bill-services");
    expect(result.response.status).toBe(401);
    expect(result.error).toEqual({ error: "invalid_token" });
    expect(api.apiRequests()).toHaveLength(2);
    expect(api.tokenRequests()).toHaveLength(2);

    const error = await unwrap(pay.GET("/v1/bill-services")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 401,
      method: "GET",
      path: "/v1/bill-services",
      kind: "oauth",
    });
    expect(api.apiRequests()).toHaveLength(4);
  });

  it("refreshes once when many concurrent calls meet a 401", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/bill-services", () => json([]));
    const pay = createAlmaraPay({ baseUrl: BASE_URL, ...CREDENTIALS, fetch: api.fetch });
    await pay.GET("/v1/bill-services");
    api.valid.clear();
    const results = await Promise.all(
      Array.from({ length: 100 }, () => pay.GET("/v1/bill-services")),
    );
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(api.tokenRequests()).toHaveLength(2);
  });

  it("works on a user's own openapi-fetch client", async () => {
    const api = createFakeApi();
    api.routes.set("GET /v1/transaction-routes/assigned-routes", () => json({ routes: [] }));
    const tokenProvider = createTokenProvider({
      tokenUrl: `${BASE_URL}/connect/token`,
      ...CREDENTIALS,
      fetch: api.fetch,
    });
    const client = createClient<paths>({ baseUrl: BASE_URL, fetch: api.fetch });
    const auth = createAuthMiddleware({ tokenProvider });
    client.use(auth);
    const { data } = await client.GET("/v1/transaction-routes/assigned-routes");
    expect(data).toEqual({ routes: [] });
    expect(api.apiRequests()[0]?.authorization).toBe(`Bearer ${api.issued[0]}`);

    client.eject(auth);
    const after = await client.GET("/v1/transaction-routes/assigned-routes");
    expect(after.response.status).toBe(401);
    expect(api.apiRequests()[1]?.authorization).toBeNull();
  });

  it("throws the AuthenticationError when no token can be had, sending nothing", async () => {
    const api = createFakeApi();
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      clientSecret: "not-the-secret",
      fetch: api.fetch,
    });
    await expect(pay.POST("/v1/bill-payments", { body: payment })).rejects.toMatchObject({
      name: "AuthenticationError",
      oauthError: "invalid_client",
    });
    expect(api.apiRequests()).toHaveLength(0);
  });
});
