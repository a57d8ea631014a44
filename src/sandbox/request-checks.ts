/**
 * A request checked as the API checks it: query parameters against the operation's, the body
 * parsed and validated against the spec's schema (precompiled), refusals in the API's shapes.
 */
import { bindNames } from "./binding.js";
import { errorsByField, oauthError, problem, validationProblem, type Answer } from "./answers.js";
import { bodyOf, branchFor, queryOf, resolvePointer, validatorAt, type Operation } from "./spec.js";

/** Validates query parameters against the operation's parameters. */
export function checkQuery(op: Operation, query: URLSearchParams): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const parameter of queryOf(op)) {
    const value = query.get(parameter.name);
    if (value === null) {
      if (parameter.required) errors[parameter.name] = [`The ${parameter.name} field is required.`];
      continue;
    }
    const shown = value.slice(0, 100);
    const validate = validatorAt(parameter.schema);
    // Query values are text: a number-typed parameter is read as a number, as ASP.NET binds it.
    const asNumber = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
    if (!validate(value) && (asNumber === undefined || !validate(asNumber)))
      errors[parameter.name] = [`The value '${shown}' is not valid for ${parameter.name}.`];
  }
  return errors;
}

/** Parses and validates the body; an Answer when it is refused. */
const JSON_TYPE = /^\s*(application\/(json|[\w.-]+\+json)|text\/json)\s*(;|$)/i;

/** How deep a JSON body may nest. */
export const MAX_DEPTH = 64;

/** How deep a parsed JSON value nests (walked without recursion: any depth is safe to measure). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== "object" || item === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

export function checkBody(
  op: Operation,
  raw: string,
  contentType: string,
): { body: unknown } | Answer {
  const declared = bodyOf(op);
  if (!declared) return { body: undefined };
  const { type, pointer } = declared;
  if (type === "application/x-www-form-urlencoded") {
    const body = Object.fromEntries(new URLSearchParams(raw));
    const validate = validatorAt(pointer);
    if (!validate(body)) {
      const missing = (validate.errors ?? []).some(
        (e) => e.keyword === "required" || e.keyword === "minLength",
      );
      if (missing)
        return oauthError(
          400,
          "invalid_request",
          "client_id, client_secret, grant_type and scope are required",
        );
    }
    return { body };
  }
  // ASP.NET reads application/json, text/json and any application/*+json.
  if (!JSON_TYPE.test(contentType)) return problem(415, "Unsupported Media Type");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return validationProblem({ $: ["The JSON value could not be parsed."] });
  }
  // System.Text.Json reads at most 64 levels (and a deeper value could not be echoed back).
  if (depthOf(parsed) > MAX_DEPTH) {
    return validationProblem({
      $: [`The maximum configured depth of ${MAX_DEPTH} has been exceeded.`],
    });
  }
  // Bound as the API binds it: property names without regard to case.
  const body = bindNames(parsed, pointer);
  const branch = branchFor(pointer, body);
  const validate = validatorAt(branch.pointer);
  if (validate(body)) return { body };
  if (
    branch.pointer === resolvePointer(pointer) &&
    branch.tag &&
    body !== null &&
    typeof body === "object"
  ) {
    const tag = branch.tag.charAt(0).toUpperCase() + branch.tag.slice(1);
    return validationProblem({ [tag]: [`The field ${tag} must be one of the accepted values.`] });
  }
  return validationProblem(errorsByField(validate.errors ?? []));
}
