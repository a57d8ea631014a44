import { describe, expect, it } from "vitest";
import { createAlmaraPay, type AlmaraPayOptions } from "../../src/index.js";
import { BASE_URL, CREDENTIALS } from "../support/fake-api.js";

const valid: AlmaraPayOptions = { baseUrl: BASE_URL, ...CREDENTIALS };

function attempt(overrides: Record<string, unknown>): unknown {
  try {
    createAlmaraPay({ ...valid, ...overrides } as AlmaraPayOptions);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("option validation at construction", () => {
  it("accepts valid options and returns an openapi-fetch client", () => {
    const pay = createAlmaraPay(valid);
    for (const method of ["GET", "POST", "PUT", "use", "eject"] as const) {
      expect(typeof pay[method]).toBe("function");
    }
    expect(typeof pay.tokenProvider.getToken).toBe("function");
  });

  it.each([
    [
      { clientSecret: undefined },
      TypeError,
      "almara-pay: options.clientSecret is required (a non-empty string)",
    ],
    [
      { clientSecret: "   " },
      TypeError,
      "almara-pay: options.clientSecret is required (a non-empty string)",
    ],
    [{ clientId: "" }, TypeError, "almara-pay: options.clientId is required (a non-empty string)"],
    [
      { baseUrl: undefined },
      TypeError,
      "almara-pay: options.baseUrl is required (an http or https URL)",
    ],
    [
      { baseUrl: new URL("https://api.almara.test") as never },
      TypeError,
      "almara-pay: options.baseUrl must be a string, an http or https URL (for a URL object, pass its href), not object",
    ],
    [
      { baseUrl: "api.almara.test" },
      TypeError,
      "almara-pay: options.baseUrl must be an http or https URL",
    ],
    [
      { baseUrl: "ftp://api.almara.test" },
      TypeError,
      "almara-pay: options.baseUrl must be an http or https URL",
    ],
    [
      { baseUrl: "https://user:pw@api.almara.test" },
      TypeError,
      "almara-pay: options.baseUrl must not contain credentials; pass clientId and clientSecret",
    ],
    [
      { tokenUrl: "https://auth.almara.test/oauth/token" },
      RangeError,
      "almara-pay: options.tokenUrl must end with /connect/token",
    ],
    [
      { timeoutMs: -1 },
      RangeError,
      "almara-pay: options.timeoutMs must be between 1 and 2147483647, got -1",
    ],
    [
      { timeoutMs: 0 },
      RangeError,
      "almara-pay: options.timeoutMs must be between 1 and 2147483647, got 0",
    ],
    [
      { timeoutMs: "30s" },
      TypeError,
      "almara-pay: options.timeoutMs must be a number of milliseconds",
    ],
    [{ fetch: "fetch" }, TypeError, "almara-pay: options.fetch must be a function"],
    [
      { tokenCache: {} },
      TypeError,
      "almara-pay: options.tokenCache must be an object with get(key) and set(key, token, ttlMs) methods",
    ],
    [{ scope: "" }, TypeError, "almara-pay: options.scope is required (a non-empty string)"],
  ])("rejects %j", (overrides, type, message) => {
    const error = attempt(overrides);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toBe(message);
  });

  it("never echoes a rejected secret", () => {
    const error = attempt({ clientSecret: 42 }) as Error;
    expect(error.message).not.toContain("42");
  });

  it("defaults tokenUrl to baseUrl + /connect/token and accepts a trailing slash", async () => {
    const urls: string[] = [];
    const pay = createAlmaraPay({
      ...valid,
      baseUrl: `${BASE_URL}/`,
      fetch: async (request) => {
        urls.push(request.url);
        return Response.json({ error: "invalid_client" }, { status: 401 });
      },
    });
    await expect(pay.GET("/v1/bill-services")).rejects.toMatchObject({
      name: "AuthenticationError",
    });
    expect(urls).toEqual([`${BASE_URL}/connect/token`]);
  });
});
