/** Reading the API's error bodies: the three shapes it sends, and its refusal of a reused id. */

/** The three error bodies the API sends, told apart. */
export type ApiErrorKind = "problem" | "domain" | "oauth" | "unknown";

export interface ParsedErrorBody {
  kind: ApiErrorKind;
  summary?: string;
  traceId?: string;
  reason?: string;
  fieldErrors?: Record<string, string[]>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Recognises ProblemDetails, the domain error `{ appDomainName, timestamp, reason }` and OAuth errors. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  if (!isRecord(body)) return { kind: "unknown" };
  if (typeof body.reason === "string" && "appDomainName" in body) {
    return { kind: "domain", summary: body.reason, reason: body.reason };
  }
  if (Array.isArray(body.errors) && "appDomainName" in body) {
    // The domain validation error: errors is a list of { field, message }.
    const fieldErrors: Record<string, string[]> = {};
    for (const entry of body.errors as unknown[]) {
      if (!isRecord(entry)) continue;
      const field = String(entry.field ?? "");
      (fieldErrors[field] ??= []).push(String(entry.message ?? ""));
    }
    const summary = Object.values(fieldErrors).flat().join("; ");
    return { kind: "domain", ...(summary ? { summary, reason: summary } : {}), fieldErrors };
  }
  if (typeof body.error === "string") {
    const description =
      typeof body.error_description === "string" ? ` (${body.error_description})` : "";
    return { kind: "oauth", summary: `${body.error}${description}`, reason: body.error };
  }
  if (typeof body.title === "string" || isRecord(body.errors)) {
    const fieldErrors = isRecord(body.errors)
      ? Object.fromEntries(
          Object.entries(body.errors).map(([field, messages]) => [
            field,
            Array.isArray(messages) ? messages.map(String) : [String(messages)],
          ]),
        )
      : undefined;
    const fields = fieldErrors
      ? Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      : [];
    const summary = fields.length > 0 ? fields.join("; ") : (body.title as string | undefined);
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
