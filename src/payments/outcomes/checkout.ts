/**
 * Settling a checkout order whose result is unknown (a callback that never came, or one to
 * confirm): look it up by its `originatorConversationId`, optionally polling.
 */
import type { components } from "../../generated/schema.js";
import {
  pollOutcome,
  type FindOutcomeOptions,
  type LookupClient,
  type NotFoundOutcome,
} from "./poll.js";

/**
 * A checkout order as the API keeps it (`GET /v1/checkout-order/check-status`).
 *
 * @example
 * const reference = (record: CheckoutRecord) => record.checkoutOutcome?.ThirdPartyPayload?.Reference;
 */
export type CheckoutRecord = components["schemas"]["CheckoutOrder"];

/**
 * What a checkout order came to.
 *
 * @example
 * const outcome: CheckoutOutcome = await findCheckoutOutcome(pay, orderId);
 */
export type CheckoutOutcome =
  /** The customer paid (`checkoutOutcome.ResultCode` `"000"`, or any run of zeros). */
  | { state: "completed"; record: CheckoutRecord }
  /** The payment failed: `record.checkoutOutcome.ResultDesc` says why. */
  | { state: "failed"; record: CheckoutRecord }
  /** The customer has not paid yet (after `waitMs`, if polling). */
  | { state: "pending"; record: CheckoutRecord }
  /** Not recorded after `waitMs`: create the order again with the same id. */
  | NotFoundOutcome;

/**
 * Looks a checkout order up by its `originatorConversationId`, polling through "not found" and
 * "pending" for up to `waitMs`. Error answers other than 404 are thrown as `ApiError`.
 *
 * @example
 * const outcome = await findCheckoutOutcome(pay, order.originatorConversationId, { waitMs: 30_000 });
 * if (outcome.state === "completed") ship(outcome.record.checkoutReference);
 */
export function findCheckoutOutcome(
  client: LookupClient,
  originatorConversationId: string,
  options: FindOutcomeOptions = {},
): Promise<CheckoutOutcome> {
  return pollOutcome(
    "findCheckoutOutcome",
    (signal) =>
      client.GET("/v1/checkout-order/check-status", {
        params: { query: { IdType: 1, Id: originatorConversationId } },
        ...(signal ? { signal } : {}),
      }),
    classify,
    originatorConversationId,
    options,
  );
}

/** An order is final once its outcome carries a result code: `"000"` (all zeros) is paid. */
function classify(record: CheckoutRecord): CheckoutOutcome {
  const code = String(record.checkoutOutcome?.ResultCode ?? "").trim();
  if (!code) return { state: "pending", record };
  return { state: /^0+$/.test(code) ? "completed" : "failed", record };
}
