import { redactText, redactValue } from "./redact.js";

/**
 * Where the SDK reports what it does (token requests, refreshes, 401 replays). Every method is
 * optional; the SDK is silent unless you pass one. Lines never contain secrets or tokens.
 *
 * @example createAlmaraPay({ …, logger: console })
 */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = keyof Logger;

/** A logging function over a user's logger (or none), scrubbing every line. */
export function createLog(logger: Logger | undefined) {
  return (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    // A logger that throws (even from a getter) must not turn a call's outcome into its own error
    // (a payment that landed would then look like a failure): its errors are dropped.
    try {
      const write = logger?.[level];
      if (typeof write !== "function") return;
      const scrubbed = redactText(`almara-pay: ${message}`);
      const written: unknown =
        fields === undefined
          ? write.call(logger, scrubbed)
          : write.call(logger, scrubbed, redactValue(fields));
      // An async logger that rejects must not become an unhandled rejection.
      if (typeof (written as { catch?: unknown } | undefined)?.catch === "function")
        (written as Promise<unknown>).catch(() => undefined);
    } catch {
      // dropped on purpose
    }
  };
}

export type Log = ReturnType<typeof createLog>;

/** An error as one line for a log field, even an error whose `toString` throws. */
export function errorText(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return "(an error that cannot be shown)";
  }
}
