/**
 * Settling an account validation whose result is unknown (a callback that never came, or one to
 * confirm): look it up by its `systemTraceAuditNumber` (STAN), optionally polling.
 */
import type { components } from "../../generated/schema.js";
import {
  pollOutcome,
  stateByCode,
  type FindOutcomeOptions,
  type LookupClient,
  type NotFoundOutcome,
} from "./poll.js";

/**
 * An account validation as the API keeps it (`GET /v1/account/query`).
 *
 * @example
 * const holder = (record: AccountValidationRecord) => record.transactionCreditParty;
 */
export type AccountValidationRecord = components["schemas"]["AccountValidationStatus"];

/**
 * What an account validation came to.
 *
 * @example
 * const outcome: AccountValidationOutcome = await findAccountValidationOutcome(pay, stan);
 */
export type AccountValidationOutcome =
  /** The account exists (`resultCode` `"0"`): `record.transactionCreditParty` names its holder. */
  | { state: "completed"; record: AccountValidationRecord }
  /** Validated, and not found or refused: `record.resultDesc` says why. */
  | { state: "failed"; record: AccountValidationRecord }
  /** Not validated yet (after `waitMs`, if polling). */
  | { state: "pending"; record: AccountValidationRecord }
  /** Not recorded after `waitMs`. */
  | NotFoundOutcome;

/**
 * Looks an account validation up by its `systemTraceAuditNumber`, polling through "not found" and
 * "pending" for up to `waitMs`. Error answers other than 404 are thrown as `ApiError`.
 *
 * @example
 * const outcome = await findAccountValidationOutcome(pay, stan, { waitMs: 30_000 });
 * if (outcome.state === "completed") console.log(outcome.record.transactionCreditParty);
 */
export function findAccountValidationOutcome(
  client: LookupClient,
  systemTraceAuditNumber: string,
  options: FindOutcomeOptions = {},
): Promise<AccountValidationOutcome> {
  return pollOutcome(
    "findAccountValidationOutcome",
    (signal) =>
      client.GET("/v1/account/query", {
        params: { query: { stan: systemTraceAuditNumber } },
        ...(signal ? { signal } : {}),
      }),
    classify,
    systemTraceAuditNumber,
    options,
    "systemTraceAuditNumber",
  );
}

/** A validation is final once it carries a result code: `"0"` is an account found. */
function classify(record: AccountValidationRecord): AccountValidationOutcome {
  return stateByCode(record.resultCode, record);
}
