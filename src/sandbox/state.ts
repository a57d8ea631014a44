/** What the sandbox remembers: tokens and every kind of transaction and check, by its id. */
import type { components } from "../generated/schema.js";

export type BillPaymentStatus = components["schemas"]["BillPaymentStatus"];
export type BillNumber = components["schemas"]["BillNumber"];
export type PaymentLink = components["schemas"]["PaymentLink"];
export type PaymentOrderStatus = components["schemas"]["PaymentOrderStatus"];
export type ExpressDepositStatus = components["schemas"]["ExpressDepositStatus"];
export type AccountValidationStatus = components["schemas"]["AccountValidationStatus"];
export type KycStatus = components["schemas"]["KycStatus"];
export type AirtimePurchaseStatus = components["schemas"]["AirtimePurchaseStatus"];
export type CheckoutOrder = components["schemas"]["CheckoutOrder"];

export interface StoredPayment {
  record: BillPaymentStatus;
  callBackUrl: string | undefined;
}

/** A Map that forgets its oldest entry past `limit` (a sandbox left running stays bounded). */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.limit !== undefined && !this.has(key) && this.size >= this.limit) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

/** The most tokens, and the most records of each kind, the sandbox keeps (the oldest go first). */
export const TOKEN_LIMIT = 10_000;
export const RECORD_LIMIT = 100_000;

export class SandboxState {
  /** Access token → expiry (epoch ms). */
  readonly tokens = new BoundedMap<string, number>(TOKEN_LIMIT);
  /** Bill payments by originatorConversationId. */
  readonly payments = new BoundedMap<string, StoredPayment>(RECORD_LIMIT);
  /** Saved bill numbers by `${serviceId}|${accountNumber}`. */
  readonly billNumbers = new BoundedMap<string, BillNumber>(RECORD_LIMIT);
  /** Payment links by id. */
  readonly links = new BoundedMap<string, PaymentLink>(RECORD_LIMIT);
  /** Payouts by originatorConversationId (their systemConversationId is `record.id`). */
  readonly payouts = new BoundedMap<string, PaymentOrderStatus>(RECORD_LIMIT);
  /** Express deposits by OriginatorConversationId. */
  readonly deposits = new BoundedMap<string, ExpressDepositStatus>(RECORD_LIMIT);
  /** Account validations by systemTraceAuditNumber. */
  readonly accountValidations = new BoundedMap<string, AccountValidationStatus>(RECORD_LIMIT);
  /** KYC checks by systemTraceAuditNumber. */
  readonly kycChecks = new BoundedMap<string, KycStatus>(RECORD_LIMIT);
  /** Airtime purchases by originatorConversationId. */
  readonly airtime = new BoundedMap<string, AirtimePurchaseStatus>(RECORD_LIMIT);
  /** Checkout orders by originatorConversationId. */
  readonly checkouts = new BoundedMap<string, CheckoutOrder>(RECORD_LIMIT);
  /** The working account's balance (KES): payouts that are paid come off it. */
  walletBalance = 1_000_000;

  tokenIsValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return false;
    if (Date.now() < expiresAt) return true;
    this.tokens.delete(token);
    return false;
  }
}
