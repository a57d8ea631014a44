/**
 * A fetch that checks every answer against the spec: the status must be one the operation
 * documents, and the body must validate against that response's schema.
 */
import {
  describeErrors,
  findOperation,
  resolvePointer,
  at,
  validatorAt,
  type JsonObject,
} from "./spec.js";

export interface ContractCheck {
  fetch: (input: Request, init?: RequestInit) => Promise<Response>;
  /** operationId → statuses seen. */
  seen: Map<string, Set<number>>;
  violations: string[];
}

export function contractFetch(): ContractCheck {
  const seen = new Map<string, Set<number>>();
  const violations: string[] = [];
  return {
    seen,
    violations,
    async fetch(input, init) {
      const request = new Request(input, init);
      const response = await fetch(request);
      const path = new URL(request.url).pathname;
      const op = findOperation(request.method, path);
      const what = `${request.method} ${path} → ${response.status}`;
      if (!op) {
        violations.push(`${what}: not an operation of the spec`);
        return response;
      }
      const operationId = op.operation.operationId as string;
      if (!seen.has(operationId)) seen.set(operationId, new Set());
      seen.get(operationId)!.add(response.status);
      const responses = at(`${op.pointer}/responses`) as JsonObject;
      if (!(String(response.status) in responses)) {
        violations.push(`${what}: status not documented`);
        return response;
      }
      const responsePointer = resolvePointer(`${op.pointer}/responses/${response.status}`);
      const content = (at(`${responsePointer}/content`) ?? {}) as JsonObject;
      const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
      if (!(type in content)) {
        violations.push(`${what}: content type "${type}" not documented`);
        return response;
      }
      const text = await response.clone().text();
      let body: unknown = text;
      if (type === "application/json" || type.endsWith("+json")) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          violations.push(`${what}: body is not JSON`);
          return response;
        }
      }
      const validate = validatorAt(
        `${responsePointer}/content/${type.replace(/\//g, "~1")}/schema`,
      );
      if (!validate(body))
        violations.push(`${what}: ${describeErrors(validate.errors).join("; ")}`);
      return response;
    },
  };
}
