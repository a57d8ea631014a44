/**
 * No error message, cause, logged line, JSON.stringify(error) or util.inspect(error) contains the
 * client secret or an access token — even when a server or a fetch echoes them back.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createAlmaraPay, unwrap, type Logger } from "../../src/index.js";
import { BASE_URL, CREDENTIALS, createFakeApi, json, type FakeApi } from "../support/fake-api.js";

function recordingLogger(lines: string[]): Logger {
  const write = (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${message} ${fields === undefined ? "" : JSON.stringify(fields)}`);
  return { debug: write, info: write, warn: write, error: write };
}

/** Every serialised form of an error, its causes included. */
function serialisedForms(error: unknown): string[] {
  const forms = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ];
  let cause = (error as { cause?: unknown }).cause;
  while (cause !== undefined) {
    forms.push(String(cause), inspect(cause, { depth: Infinity, showHidden: true }));
    cause = (cause as { cause?: unknown }).cause;
  }
  if (error instanceof Error) forms.push(error.message, error.stack ?? "");
  return forms;
}

function expectNoSecrets(api: FakeApi, texts: string[]): void {
  const secrets = [CREDENTIALS.clientSecret, ...api.issued];
  expect(secrets.length).toBeGreaterThan(0);
  for (const text of texts) {
    for (const secret of secrets)
      expect(text, "a serialised error or log line").not.toContain(secret);
  }
}

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("the call was expected to fail");
}

describe("secrets never leak", () => {
  it("AuthenticationError: a token endpoint echoing the secret", async () => {
    const api = createFakeApi();
    const lines: string[] = [];
    api.tokenHandler = () =>
      json(
        {
          error: "invalid_client",
          error_description: `secret ${CREDENTIALS.clientSecret} is not valid`,
        },
        400,
      );
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      fetch: api.fetch,
      logger: recordingLogger(lines),
    });
    const error = await failure(pay.GET("/v1/bill-services"));
    expect(error).toMatchObject({ name: "AuthenticationError", oauthError: "invalid_client" });
    expect((error as Error).message).toContain("[REDACTED]");
    expect(lines.length).toBeGreaterThan(0);
    expectNoSecrets(api, [...serialisedForms(error), ...lines]);
  });

  it("AuthenticationError: a fetch failure whose cause quotes the request body", async () => {
    const api = createFakeApi();
    const lines: string[] = [];
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      logger: recordingLogger(lines),
      fetch: async (request) => {
        const body = await request.text();
        throw new TypeError(`fetch failed while sending ${body}`);
      },
    });
    const error = await failure(pay.GET("/v1/bill-services"));
    expect(error).toMatchObject({ name: "AuthenticationError" });
    expect(inspect(error)).toContain("[REDACTED]");
    expectNoSecrets(api, [...serialisedForms(error), ...lines]);
  });

  it("ApiError: an API echoing the bearer token in its 401 body", async () => {
    const api = createFakeApi();
    const lines: string[] = [];
    api.routes.set("GET /v1/bill-services", (_, received) =>
      json(
        {
          error: "invalid_token",
          error_description: `token ${received.authorization} was revoked`,
        },
        401,
      ),
    );
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      fetch: api.fetch,
      logger: recordingLogger(lines),
    });
    const error = await failure(unwrap(pay.GET("/v1/bill-services")));
    expect(error).toMatchObject({ name: "ApiError", status: 401 });
    expect(api.issued).toHaveLength(2);
    expect(JSON.stringify(error)).toContain("[REDACTED]");
    expectNoSecrets(api, [...serialisedForms(error), ...lines]);
  });

  it("NetworkError: a fetch failure quoting the Authorization header", async () => {
    const api = createFakeApi();
    const lines: string[] = [];
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      logger: recordingLogger(lines),
      fetch: (request, init) =>
        new URL(request.url).pathname === "/connect/token"
          ? api.fetch(request, init)
          : Promise.reject(new Error(`socket hang up (${request.headers.get("authorization")})`)),
    });
    const error = await failure(pay.GET("/v1/bill-services"));
    expect(error).toMatchObject({ name: "NetworkError" });
    expectNoSecrets(api, [...serialisedForms(error), ...lines]);
  });

  it("TimeoutError", async () => {
    const api = createFakeApi();
    const lines: string[] = [];
    api.routes.set("GET /v1/bill-services", (request) => new Promise(() => void request));
    const pay = createAlmaraPay({
      baseUrl: BASE_URL,
      ...CREDENTIALS,
      timeoutMs: 50,
      logger: recordingLogger(lines),
      fetch: (request, init) => api.fetch(new Request(request, init)),
    });
    const error = await failure(pay.GET("/v1/bill-services"));
    expect(error).toMatchObject({ name: "TimeoutError" });
    expectNoSecrets(api, [...serialisedForms(error), ...lines]);
  });
});
