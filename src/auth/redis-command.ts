/**
 * One Redis command through the caller's own client, shared by the token cache and the delivery
 * guard: bounded by a timeout, a `command` that throws at once failing like one that rejects
 * (never an unhandled rejection), and replies read as text whether the client answers strings or
 * bytes.
 */
import { withinTime } from "../pipeline/abort.js";

/** A Redis adapter's `commandTimeoutMs`: milliseconds a timer can hold, or the default. */
export function commandTimeout(name: string, value: unknown, fallback: number): number {
  const timeoutMs = value ?? fallback;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > 2 ** 31 - 1) {
    throw new RangeError(
      `almara-pay: ${name} options.commandTimeoutMs must be from 1 to ${2 ** 31 - 1}, got ${String(timeoutMs)}`,
    );
  }
  return timeoutMs;
}

/** Sends `args` through `command`, failing after `timeoutMs`. */
export function createRedisSend(
  command: (args: string[]) => Promise<unknown>,
  timeoutMs: number,
): (args: string[]) => Promise<unknown> {
  return (args) =>
    withinTime(
      () => command(args),
      timeoutMs,
      `almara-pay: Redis ${args[0]} did not answer within ${timeoutMs} ms`,
    );
}

/** A Redis reply as text: clients answer strings, or bytes (a Buffer) when asked to. */
export function replyText(reply: unknown): string | undefined {
  if (typeof reply === "string") return reply;
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
  return undefined;
}
