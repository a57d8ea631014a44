/**
 * openapi-fetch middleware that gives every request of an operation taking an
 * `originatorConversationId` one (a UUID) when the caller left it out, and records what the
 * request is, so that retries and errors can tell a payment from a read.
 */
import type { Middleware } from "openapi-fetch";
import { operationMeta } from "./generated/operations.js";
import { describeOperation, fieldValues, setOperationContext } from "./operation-context.js";
import { copyRequestOptions } from "./request-info.js";

export function createIdempotencyMiddleware(): Middleware {
  return {
    async onRequest({ request, schemaPath, options }) {
      const meta = operationMeta[`${request.method} ${schemaPath}`];
      if (!meta) return undefined;
      let body: unknown;
      if (meta.idField && request.body) {
        try {
          body = JSON.parse(await request.clone().text());
        } catch {
          body = undefined; // not JSON: sent as it is, and the API will say what is wrong
        }
      }
      let next = request;
      // The API binds names without regard to case: an id sent as `OriginatorConversationId` is
      // the caller's id, never a reason to add a second one.
      const given = isRecord(body) && meta.idField ? idsIn(body, meta.idField) : undefined;
      if (isRecord(body) && meta.idField && given?.length === 0) {
        body = { ...body, [meta.idField]: globalThis.crypto.randomUUID() };
        next = new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: JSON.stringify(body),
          signal: request.signal,
          redirect: request.redirect,
        });
        copyRequestOptions(request, next);
      }
      const context = describeOperation(request.method, schemaPath, body, options.parseAs);
      if (context) setOperationContext(next, { ...context, first: request });
      return next === request ? undefined : next;
    },
  };
}

/**
 * The values `body` gives the id field, in any casing; a usage error when they disagree or are not
 * a non-empty string (an id is how a transaction is found again).
 */
function idsIn(body: Record<string, unknown>, field: string): unknown[] {
  const given = fieldValues(body, field);
  if (new Set(given).size > 1) {
    throw new TypeError(
      `almara-pay: the body carries ${field} more than once, in different casings and with different values; send it once`,
    );
  }
  if (given.length > 0 && (typeof given[0] !== "string" || given[0].trim() === "")) {
    throw new TypeError(
      `almara-pay: body.${field} must be a non-empty string (or left out, and the SDK makes one)`,
    );
  }
  return given;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
