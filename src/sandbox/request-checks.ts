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
  if (!contentType.toLowerCase().startsWith("application/json")) {
    return problem(415, "Unsupported Media Type");
  }
  let body: unknown;
  try {
    // Bound as the API binds it: property names without regard to case.
    body = bindNames(JSON.parse(raw), pointer);
  } catch {
    return validationProblem({ $: ["The JSON value could not be parsed."] });
  }
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
