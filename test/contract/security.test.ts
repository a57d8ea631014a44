/**
 * Authentication is declared as what it is, OAuth 2.0 client credentials (token URL relative to
 * the server, scope PyPay_api), so that generators and API tools can discover the flow; every
 * operation but the token endpoint and the health check needs it, and the sandbox and the SDK
 * agree with the spec on which those are.
 */
import { describe, expect, it } from "vitest";
import { operationMeta } from "../../src/generated/operations.js";
import { operations } from "../../src/sandbox/spec.js";
import { spec, type JsonObject } from "../support/spec.js";

describe("the security scheme", () => {
  const schemes = (spec.components as JsonObject).securitySchemes as JsonObject;

  it("is OAuth 2.0 client credentials at /connect/token with the PyPay_api scope", () => {
    expect(Object.keys(schemes)).toEqual(["oauth2"]);
    expect(schemes.oauth2).toMatchObject({
      type: "oauth2",
      flows: {
        clientCredentials: {
          tokenUrl: "/connect/token",
          scopes: { PyPay_api: expect.any(String) },
        },
      },
    });
    expect(spec.security).toEqual([{ oauth2: ["PyPay_api"] }]);
  });

  it("is needed by every operation but the token endpoint and the health check", () => {
    const open = operations.filter((o) => !o.secured).map((o) => `${o.method} ${o.path}`);
    expect(open.sort()).toEqual(["GET /api_health_check", "POST /connect/token"]);
    for (const o of operations) {
      const own = o.object.security as unknown[] | undefined;
      if (own !== undefined && own.length > 0) expect(own).toEqual([{ oauth2: ["PyPay_api"] }]);
    }
    expect(Object.keys(operationMeta).length).toBe(operations.length);
  });
});
