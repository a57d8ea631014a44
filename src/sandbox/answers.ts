/** The API's answer shapes: ProblemDetails, the domain errors, OAuth errors. */
import type { ErrorObject } from "./spec.js";

export interface Answer {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON (health check, malformed-body faults). */
  text?: string;
  /**
   * Of `text` (`null` sends none; default `text/plain; charset=utf-8`), or of `body` (default
   * `application/json; charset=utf-8`).
   */
  contentType?: string | null;
  headers?: Record<string, string>;
}

export const APP_DOMAIN = "SANDBOX";

/** `bytes` random bytes in hex (Web Crypto: the sandbox runs wherever fetch does). */
export function randomHex(bytes: number): string {
  const random = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(random, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** ASP.NET-style trace id: `00-<32 hex>-<16 hex>-00`. */
export function traceId(): string {
  return `00-${randomHex(16)}-${randomHex(8)}-00`;
}

/** A system conversation id, as the API issues them. */
export function newConversationId(): string {
  return globalThis.crypto.randomUUID();
}

/** A receipt or reference number as the sandbox issues them: `SBX` and random letters and digits. */
export function receipt(prefix = "SBX"): string {
  return `${prefix}${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
}

export function timestamp(): string {
  return new Date().toISOString().replace("Z", "0000Z");
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Answer {
  return { status, body, ...(headers ? { headers } : {}) };
}

/**
 * The domain validation error (400) for a refused field, as documented for a duplicate
 * `originatorConversationId`.
 */
export function fieldRefused(
  field: string,
  message: string,
  // Every documented refusal carries both ids (the spec requires them).
  ids: { originatorConversationId: string; systemConversationId: string },
): Answer {
  return json(400, {
    appDomainName: APP_DOMAIN,
    status: "BadRequest",
    timestamp: timestamp(),
    ...ids,
    errors: [{ field, message }],
  });
}

/** The documented refusal of a reused `originatorConversationId`. */
export function duplicateId(
  originatorConversationId: string,
  systemConversationId = newConversationId(),
): Answer {
  return fieldRefused(
    "OriginatorConversationId",
    `duplicate originator conversation id '${originatorConversationId}'`,
    { originatorConversationId, systemConversationId },
  );
}

/** The media type ASP.NET Core gives its ProblemDetails (RFC 7807). */
export const PROBLEM_JSON = "application/problem+json; charset=utf-8";

/** 400 ProblemDetails with an `errors` map, as ASP.NET's model binding answers. */
export function validationProblem(errors: Record<string, string[]>): Answer {
  const body = {
    errors,
    type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
    title: "One or more validation errors occurred.",
    status: 400,
    traceId: traceId(),
  };
  return { status: 400, body, contentType: PROBLEM_JSON };
}

export function problem(status: number, title: string): Answer {
  return { status, body: { title, status, traceId: traceId() }, contentType: PROBLEM_JSON };
}

export function domainError(reason: string, extra: Record<string, string> = {}): Answer {
  return json(400, { appDomainName: APP_DOMAIN, timestamp: timestamp(), reason, ...extra });
}

export function oauthError(status: number, error: string, description?: string): Answer {
  return json(status, { error, ...(description ? { error_description: description } : {}) });
}

/** `accountNumber` → `AccountNumber`, `/recipients/0/amount` → `Recipients[0].Amount`. */
function fieldName(path: string): string {
  let name = "";
  for (const segment of path.split("/").slice(1)) {
    if (/^\d+$/.test(segment)) name += `[${segment}]`;
    else name += `${name ? "." : ""}${segment.charAt(0).toUpperCase()}${segment.slice(1)}`;
  }
  return name || "$";
}

/** ajv errors as ProblemDetails' `errors` map, keyed by field the way the API names them. */
export function errorsByField(
  errors: readonly ErrorObject[],
  prefix = "",
): Record<string, string[]> {
  // A Map, then own properties: a field may be named `__proto__`.
  const out = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword === "if" || error.keyword === "anyOf" || error.keyword === "oneOf") continue;
    const missing =
      error.keyword === "required"
        ? (error.params as { missingProperty: string }).missingProperty
        : "";
    // A member the closed request schema does not name (a misspelling, most often).
    const unknown =
      error.keyword === "additionalProperties"
        ? (error.params as { additionalProperty: string }).additionalProperty
        : error.keyword === "unevaluatedProperties"
          ? (error.params as { unevaluatedProperty: string }).unevaluatedProperty
          : "";
    const named = missing || unknown;
    const field = fieldName(`${prefix}${error.instancePath}${named ? `/${named}` : ""}`);
    const message = missing
      ? `The ${field} field is required.`
      : unknown
        ? `The field ${field} is not a field of this request.`
        : `The field ${field} ${error.message ?? "is invalid"}.`;
    const list = out.get(field) ?? [];
    if (!list.includes(message)) list.push(message);
    out.set(field, list);
  }
  if (out.size === 0 && errors.length > 0) {
    // Only combinators failed (no branch matched): name the first field they looked at.
    out.set(fieldName(errors[0]!.instancePath), ["The value does not match any accepted shape."]);
  }
  return Object.fromEntries(out);
}
