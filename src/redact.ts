/**
 * Secrets the SDK has seen (client secrets, access tokens), so that they can be scrubbed from
 * anything that leaves it: error messages, error bodies, causes and log lines.
 */
const REDACTED = "[REDACTED]";
/** Shorter values would scrub ordinary words; real secrets and tokens are far longer. */
const MIN_SECRET_LENGTH = 6;
/** Tokens rotate hourly; only the most recent ones can still turn up in an answer. */
const MAX_SECRETS = 64;

const secrets = new Set<string>();

/** Remembers a value that must never appear in errors or logs. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  secrets.delete(value);
  secrets.add(value);
  if (secrets.size > MAX_SECRETS) secrets.delete(secrets.values().next().value!);
}

/** The text with every registered secret replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A deep copy of a JSON-like value with every registered secret scrubbed from its strings. */
export function redactValue<T>(value: T, depth = 0): T {
  if (typeof value === "string") return redactText(value) as T;
  if (value === null || typeof value !== "object" || depth > 20) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = redactValue(v, depth + 1);
  return out as T;
}

/**
 * The error itself when it mentions no secret, else a plain copy (same name and message, scrubbed)
 * so that a cause never carries a secret into `util.inspect` or a log.
 */
export function redactCause(cause: unknown): unknown {
  if (!(cause instanceof Error)) return redactValue(cause);
  const text = `${cause.message}\n${cause.stack ?? ""}`;
  if (redactText(text) === text) return cause;
  const copy = new Error(redactText(cause.message));
  copy.name = cause.name;
  copy.stack = redactText(cause.stack ?? "");
  return copy;
}
