/**
 * The token endpoint's failures, unknown outcomes of money-moving requests, bad callbacks, and
 * callbacks the API does not confirm.
 */
import { redactFields } from "../secrets/redact.js";
import { AlmaraPayError, type AlmaraPayErrorKind, type AlmaraPayErrorOptions } from "./base.js";

/** The token endpoint refused or failed; no API call was made. */
export class AuthenticationError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "AuthenticationError";
  /** OAuth error code (`invalid_client`, `invalid_grant`, …) when the endpoint sent one. */
  readonly oauthError: string | undefined;
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;

  constructor(
    message: string,
    init: { oauthError?: string | undefined; status?: number | undefined } = {},
    options: AlmaraPayErrorOptions = {},
  ) {
    super(message, options);
    this.oauthError = init.oauthError;
    this.status = init.status;
    redactFields(this);
  }
}

/**
 * A money-moving request was sent but its outcome is unknown (timeout, dropped connection, 5xx,
 * unreadable answer, or a resend the API refused as a duplicate). The payment may or may not have
 * been made: look it up by `originatorConversationId` (`findPaymentOutcome` and its kin) and, if
 * it is still not recorded, resend with the same id. Never resend it under a new id.
 */
export class AmbiguousOutcomeError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "AmbiguousOutcomeError";
  readonly method: string;
  readonly path: string;
  /** The id the payment was sent with: the key to look it up. */
  readonly originatorConversationId: string | undefined;
  /** HTTP status, when the server answered (5xx). */
  readonly status: number | undefined;
  /**
   * True when the API confirmed that it holds a transaction under this id (a resend by the SDK
   * was refused as a duplicate): it was recorded, and its result is still to be looked up.
   */
  readonly recorded: boolean;

  constructor(
    init: {
      method: string;
      path: string;
      originatorConversationId: string | undefined;
      status?: number;
      recorded?: boolean;
      why: string;
    },
    options: AlmaraPayErrorOptions = {},
  ) {
    const id = init.originatorConversationId ?? "(none)";
    super(
      `${init.method} ${init.path} ${init.recorded ? "was recorded, with its result unknown" : "may or may not have been processed"} ` +
        `(${init.why}); look it up by originatorConversationId ${id}, and resend only with that same id`,
      options,
    );
    this.method = init.method;
    this.path = init.path;
    this.originatorConversationId = init.originatorConversationId;
    this.status = init.status;
    this.recorded = init.recorded ?? false;
    redactFields(this);
  }
}

/** A callback body that is not what the spec says it is; `field` names where. */
export class CallbackError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "CallbackError";
  /** The offending field as a dotted path (`amount`, `message.remarks`), or `$` for the whole body. */
  readonly field: string;
  readonly reason: string;

  constructor(
    callback: string,
    field: string,
    reason: string,
    options: AlmaraPayErrorOptions = {},
  ) {
    super(
      `${callback} callback rejected: ${field === "$" ? "the body" : field} ${reason}`,
      options,
    );
    this.field = field;
    this.reason = reason;
    redactFields(this);
  }
}

/**
 * Where a transaction stands, as a callback claims it or as the API has it.
 *
 * @example
 * const claimed: CallbackState = "completed";
 */
export type CallbackState = "completed" | "failed" | "pending";

/**
 * A callback the API does not confirm: the API holds no transaction under its id, has it in
 * another state, or records other details (amount, receipt) than the callback claims — or the
 * callback could not be looked up at all. Do not act on this callback: act on what the API says.
 * The API signs no callback, so a body alone proves nothing.
 *
 * @example
 * try {
 *   await confirmBillPaymentCallback(pay, rawBody);
 * } catch (error) {
 *   if (isUnconfirmedCallbackError(error)) log.warn(error.claimed, error.confirmed, error.reason);
 * }
 */
export class UnconfirmedCallbackError extends AlmaraPayError {
  static override readonly kind: AlmaraPayErrorKind = "UnconfirmedCallbackError";
  /** Which callback (`Bill payment`, `Payout`, …). */
  readonly callback: string;
  /** The id it was looked up by, when it carried one. */
  readonly id: string | undefined;
  /** The state the callback claims. */
  readonly claimed: CallbackState;
  /**
   * The state the API has it in; `not-found` when the API holds nothing under the id;
   * `not-looked-up` when the callback carries no id to look it up by.
   */
  readonly confirmed: CallbackState | "not-found" | "not-looked-up";
  /** What did not match, in words. */
  readonly reason: string;

  constructor(
    init: {
      callback: string;
      id: string | undefined;
      claimed: CallbackState;
      confirmed: CallbackState | "not-found" | "not-looked-up";
      reason: string;
    },
    options: AlmaraPayErrorOptions = {},
  ) {
    super(
      `${init.callback} callback ${init.id ?? "(without an id)"} is not confirmed by the API: ` +
        `${init.reason}; do not act on this callback`,
      options,
    );
    this.callback = init.callback;
    this.id = init.id;
    this.claimed = init.claimed;
    this.confirmed = init.confirmed;
    this.reason = init.reason;
    redactFields(this);
  }
}
