/** Reading the API's error bodies: the three shapes it sends, and its refusal of a reused id. */

/** The kinds of error body the API sends, told apart. */
export type ApiErrorKind = "problem" | "domain" | "oauth" | "unknown";

export interface ParsedErrorBody {
  kind: ApiErrorKind;
  summary?: string;
  traceId?: string;
  reason?: string;
  fieldErrors?: Record<string, string[]>;
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A body value as text, even one whose `toString` is a hostile key (`{"toString": 1}`). */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "(unreadable)"; // nested too deep to print
  }
}

/**
 * Field → messages, built in a Map: a field named `__proto__`, `constructor` or `toString`
 * cannot reach a prototype, and the result holds only own keys.
 */
function fieldMessages(entries: Iterable<[string, string[]]>): Record<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const [field, messages] of entries) {
    const list = byField.get(field);
    if (list) list.push(...messages);
    else byField.set(field, [...messages]);
  }
  return Object.fromEntries(byField);
}

/**
 * Recognises ProblemDetails, the domain error `{ appDomainName, timestamp, reason }` (and the API's
 * other error objects, read as domain errors) and OAuth errors.
 */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  if (!isRecord(body)) return { kind: "unknown" };
  if (typeof body.reason === "string" && "appDomainName" in body) {
    return { kind: "domain", summary: body.reason, reason: body.reason };
  }
  if (Array.isArray(body.errors) && "appDomainName" in body) {
    // The domain validation error: errors is a list of { field, message }.
    const fieldErrors = fieldMessages(
      (body.errors as unknown[])
        .filter(isRecord)
        .map((entry) => [text(entry.field), [text(entry.message)]]),
    );
    const summary = Object.values(fieldErrors).flat().join("; ");
    return { kind: "domain", ...(summary ? { summary, reason: summary } : {}), fieldErrors };
  }
  // The API's other error objects: the payout lookup's not-found `{ id, idType, message }` and the
  // account validation's `{ systemTraceAuditNumber, errorMessage }`.
  if (typeof body.message === "string" && typeof body.idType === "string" && "id" in body) {
    return { kind: "domain", summary: body.message, reason: body.message };
  }
  if (typeof body.errorMessage === "string") {
    return { kind: "domain", summary: body.errorMessage, reason: body.errorMessage };
  }
  if (typeof body.error === "string") {
    const description =
      typeof body.error_description === "string" ? ` (${body.error_description})` : "";
    return { kind: "oauth", summary: `${body.error}${description}`, reason: body.error };
  }
  if (typeof body.title === "string" || isRecord(body.errors)) {
    const fieldErrors = isRecord(body.errors)
      ? fieldMessages(
          Object.entries(body.errors).map(([field, messages]) => [
            field,
            Array.isArray(messages) ? messages.map(text) : [text(messages)],
          ]),
        )
      : undefined;
    const fields = fieldErrors
      ? Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      : [];
    const title = typeof body.title === "string" ? body.title : undefined;
    const summary = fields.length > 0 ? fields.join("; ") : title;
    return {
      kind: "problem",
      ...(summary === undefined ? {} : { summary }),
      ...(typeof body.traceId === "string" ? { traceId: body.traceId } : {}),
      ...(fieldErrors ? { fieldErrors } : {}),
    };
  }
  return { kind: "unknown" };
}

/**
 * True when a 400 body is the API's refusal of a reused `originatorConversationId`: the domain
 * validation error whose `errors` name that field (in any casing) as a duplicate.
 */
export function isDuplicateIdBody(body: unknown): boolean {
  if (!isRecord(body) || !Array.isArray(body.errors)) return false;
  return body.errors.some(
    (entry) =>
      isRecord(entry) &&
      typeof entry.field === "string" &&
      entry.field.toLowerCase() === "originatorconversationid" &&
      typeof entry.message === "string" &&
      /duplicate/i.test(entry.message),
  );
}
