/**
 * openapi-fetch middleware that gives every request of an operation taking an
 * `originatorConversationId` one (a UUID) when the caller left it out, and records what the
 * request is, so that retries and errors can tell a payment from a read.
 */
import type { Middleware } from "openapi-fetch";
import { operationMeta } from "./generated/operations.js";
import { describeOperation, setOperationContext } from "./operation-context.js";
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
      if (isRecord(body) && meta.idField) {
        const record = body;
        const given = fieldKeys(record, meta.idField).map((key) => record[key]);
        if (new Set(given).size > 1) {
          throw new TypeError(
            `almara-pay: the body carries ${meta.idField} more than once, in different casings and with different values; send it once`,
          );
        }
        // An id is how a transaction is found again: one that is not a string could not be.
        if (given.length > 0 && (typeof given[0] !== "string" || given[0].trim() === "")) {
          throw new TypeError(
            `almara-pay: body.${meta.idField} must be a non-empty string (or left out, and the SDK makes one)`,
          );
        }
      }
      if (isRecord(body) && meta.idField && fieldKeys(body, meta.idField).length === 0) {
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

/** The keys of `body` that name `field`, in any casing. */
export function fieldKeys(body: Record<string, unknown>, field: string): string[] {
  const wanted = field.toLowerCase();
  return Object.keys(body).filter((key) => key.toLowerCase() === wanted);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
