/**
 * openapi-fetch middleware that gives every request of an operation taking an
 * `originatorConversationId` one (a UUID) when the caller left it out, and records what the
 * request is, so that retries and errors can tell a payment from a read.
 */
import { isRecord } from "../errors/error-body.js";
import type { Middleware } from "openapi-fetch";
import { operationMeta } from "../generated/operations.js";
import { idsIn } from "./call.js";
import { describeOperation, setOperationContext } from "./operation-context.js";
import { rebuildRequest } from "./request-info.js";

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
        next = rebuildRequest(request, JSON.stringify(body));
      }
      const context = describeOperation(request.method, schemaPath, body, options.parseAs);
      if (context) setOperationContext(next, { ...context, first: request });
      return next === request ? undefined : next;
    },
  };
}
