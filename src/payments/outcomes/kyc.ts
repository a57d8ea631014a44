/**
 * Settling a KYC check whose result is unknown (a callback that never came, or one to confirm):
 * look it up by its `systemTraceAuditNumber` (STAN), optionally polling.
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
 * A KYC check as the API keeps it (`GET /v1/kyc-request/check-status`).
 *
 * @example
 * const names = (record: KycRecord) => record.kycRecordDto?.kycRequestFullNames;
 */
export type KycRecord = components["schemas"]["KycStatus"];

/**
 * What a KYC check came to.
 *
 * @example
 * const outcome: KycOutcome = await findKycOutcome(pay, stan);
 */
export type KycOutcome =
  /** The person is verified (`kycRecordDto.responseCode` `"0"`). */
  | { state: "completed"; record: KycRecord }
  /** Checked and not verified: `record.kycRecordDto.responseCodeDesc` says why. */
  | { state: "failed"; record: KycRecord }
  /** Not checked yet (after `waitMs`, if polling). */
  | { state: "pending"; record: KycRecord }
  /** Not recorded after `waitMs`. */
  | NotFoundOutcome;

/**
 * Looks a KYC check up by its `systemTraceAuditNumber`, polling through "not found" and "pending"
 * for up to `waitMs`. Error answers other than 404 are thrown as `ApiError`.
 *
 * @example
 * const outcome = await findKycOutcome(pay, stan, { waitMs: 30_000 });
 * if (outcome.state === "completed") console.log(outcome.record.kycRecordDto?.kycRequestFullNames);
 */
export function findKycOutcome(
  client: LookupClient,
  systemTraceAuditNumber: string,
  options: FindOutcomeOptions = {},
): Promise<KycOutcome> {
  return pollOutcome(
    "findKycOutcome",
    (signal) =>
      client.GET("/v1/kyc-request/check-status", {
        params: { query: { stan: systemTraceAuditNumber } },
        ...(signal ? { signal } : {}),
      }),
    classify,
    systemTraceAuditNumber,
    options,
    "systemTraceAuditNumber",
  );
}

/** A check is final once its record carries a response code: `"0"` is verified. */
function classify(record: KycRecord): KycOutcome {
  return stateByCode(record.kycRecordDto?.responseCode, record);
}
