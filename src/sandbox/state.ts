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

export class SandboxState {
  /** Access token → expiry (epoch ms). */
  readonly tokens = new Map<string, number>();
  /** Bill payments by originatorConversationId. */
  readonly payments = new Map<string, StoredPayment>();
  /** Saved bill numbers by `${serviceId}|${accountNumber}`. */
  readonly billNumbers = new Map<string, BillNumber>();
  /** Payment links by id. */
  readonly links = new Map<string, PaymentLink>();
  /** Payouts by originatorConversationId (their systemConversationId is `record.id`). */
  readonly payouts = new Map<string, PaymentOrderStatus>();
  /** Express deposits by OriginatorConversationId. */
  readonly deposits = new Map<string, ExpressDepositStatus>();
  /** Account validations by systemTraceAuditNumber. */
  readonly accountValidations = new Map<string, AccountValidationStatus>();
  /** KYC checks by systemTraceAuditNumber. */
  readonly kycChecks = new Map<string, KycStatus>();
  /** Airtime purchases by originatorConversationId. */
  readonly airtime = new Map<string, AirtimePurchaseStatus>();
  /** Checkout orders by originatorConversationId. */
  readonly checkouts = new Map<string, CheckoutOrder>();
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
