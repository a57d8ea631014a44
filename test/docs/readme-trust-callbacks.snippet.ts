import {
  callbackKey,
  confirmBillPaymentCallback,
  createAlmaraPay,
  createMemoryDeliveryGuard,
  parseBillPaymentCallback,
  processOnce,
  readCallback,
} from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});
const guard = createMemoryDeliveryGuard(); // several instances: createRedisDeliveryGuard

/** Handles one POST to your callBackUrl; returns the status to answer. */
export async function onBillPaymentCallback(rawBody: Uint8Array): Promise<number> {
  const result = readCallback(rawBody, parseBillPaymentCallback);
  if (!result.ok) return result.status; // 400: not the callback's shape
  const key = callbackKey("bill-payment", result.event);
  try {
    const delivery = await processOnce(guard, key, async () => {
      // The API's record decides, looked up by the payment's id; the body alone proves nothing.
      const outcome = await confirmBillPaymentCallback(pay, result.event, { waitMs: 5000 });
      if (outcome.state === "completed") await shipOrder(outcome.record.originatorConversationId);
    });
    return delivery.processed || delivery.reason === "duplicate" ? 200 : 503;
  } catch {
    return 500; // not confirmed, or the lookup failed: nothing was done, and the API resends it
  }
}

declare function shipOrder(paymentId: string): Promise<void>; // yours
