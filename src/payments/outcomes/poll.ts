/**
 * Settling a transaction whose outcome is unknown: look it up by its `originatorConversationId`
 * until it is final or the wait is over. A 404 is not an answer while there is time left: the API
 * may still be working on a request whose answer was lost. Shared by every `find…Outcome`.
 */
import { sleep } from "../../pipeline/abort.js";
import type { AlmaraPayClient } from "../../client/client.js";
import { InvalidResponseError } from "../../errors/index.js";
import { requestInfoOf } from "../../pipeline/request-info.js";
import { apiErrorOf } from "../unwrap.js";

/** The SDK's client, as the lookups take it (any client with its typed `GET`). */
export type LookupClient = Pick<AlmaraPayClient, "GET">;

export interface FindOutcomeOptions {
  /**
   * Keep looking — through "not found" and "pending" — until the transaction is final or this long
   * has passed. @default 0 (look once)
   */
  waitMs?: number;
  /** Time between looks. @default 1000 */
  intervalMs?: number;
  /** Stops the wait (rejecting with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * The API holds no transaction under the id, after `waitedMs` of looking. The first send did not
 * land (yet): resend the same request with the same `originatorConversationId`. If the first one
 * lands after all, the API refuses one of the two as a duplicate, so nothing is paid twice.
 */
export interface NotFoundOutcome {
  state: "not-found";
  /** How long the lookup kept looking. */
  waitedMs: number;
  /** What it means and what to do, in words. */
  message: string;
}

function checkOptions(
  name: string,
  options: FindOutcomeOptions,
): Required<Omit<FindOutcomeOptions, "signal">> {
  const waitMs = options.waitMs ?? 0;
  const intervalMs = options.intervalMs ?? 1000;
  if (typeof waitMs !== "number" || !(waitMs >= 0) || waitMs > 2 ** 31 - 1) {
    throw new RangeError(
      `almara-pay: ${name} options.waitMs must be from 0 to ${2 ** 31 - 1}, got ${String(waitMs)}`,
    );
  }
  if (typeof intervalMs !== "number" || !(intervalMs > 0) || intervalMs > 2 ** 31 - 1) {
    throw new RangeError(
      `almara-pay: ${name} options.intervalMs must be from 1 to ${2 ** 31 - 1}, got ${String(intervalMs)}`,
    );
  }
  return { waitMs, intervalMs };
}

/** The record's outcome; a record not shaped as documented is an `InvalidResponseError`. */
function classifyRecord<T, O>(classify: (record: T) => O, data: T, response: Response): O {
  const { method, path } = requestInfoOf(response);
  const invalid = (cause?: unknown) =>
    new InvalidResponseError(
      method,
      path,
      response.status,
      "a record that is not shaped as documented",
      cause === undefined ? {} : { cause },
    );
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw invalid();
  try {
    return classify(data);
  } catch (error) {
    throw invalid(error);
  }
}

/**
 * Looks a transaction up until `classify` says it is no longer pending, or `waitMs` has passed:
 * a 404 then is "not-found", any other error answer an `ApiError`.
 */
export async function pollOutcome<T, O extends { state: string }>(
  name: string,
  lookUp: (
    signal: AbortSignal | undefined,
  ) => Promise<{ data?: T; error?: unknown; response: Response }>,
  classify: (record: T) => O,
  originatorConversationId: string,
  options: FindOutcomeOptions | null | undefined,
  /** What the id is called (account validations and KYC checks are keyed by their STAN). */
  idName = "originatorConversationId",
): Promise<O | NotFoundOutcome> {
  if (typeof originatorConversationId !== "string" || originatorConversationId === "") {
    throw new TypeError(`almara-pay: ${name} needs the ${idName} (a non-empty string)`);
  }
  const { waitMs, intervalMs } = checkOptions(name, options ?? {});
  const signal = options?.signal;
  const started = Date.now();
  for (;;) {
    const { data, error, response } = await lookUp(signal);
    let outcome: O | undefined;
    if (response.status !== 404) {
      if (error !== undefined || !response.ok) {
        throw apiErrorOf(error, response, originatorConversationId);
      }
      outcome = classifyRecord(classify, data as T, response);
      if (outcome.state !== "pending") return outcome;
    }
    const left = started + waitMs - Date.now();
    if (left <= 0) {
      if (outcome) return outcome;
      const waitedMs = Date.now() - started;
      return {
        state: "not-found",
        waitedMs,
        message:
          `not recorded after ${Math.round(waitedMs / 100) / 10} s; resend with the same ` +
          `${idName} (${originatorConversationId}): if the first send lands after ` +
          `all, the API refuses one of the two as a duplicate`,
      };
    }
    await sleep(Math.min(intervalMs, left), signal);
  }
}

/**
 * The outcome of a check that is final once it carries a result code: none yet is pending, `"0"`
 * is completed, any other code failed.
 */
export function stateByCode<R>(
  code: unknown,
  record: R,
): { state: "completed" | "failed" | "pending"; record: R } {
  const trimmed = String(code ?? "").trim();
  if (!trimmed) return { state: "pending", record };
  return { state: trimmed === "0" ? "completed" : "failed", record };
}
