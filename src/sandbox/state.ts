/** What the sandbox remembers: tokens and every kind of transaction and check, by its id. */
import type { components } from "../generated/schema.js";

export type BillPaymentStatus = components["schemas"]["BillPaymentStatus"];
export type BillNumber = components["schemas"]["BillNumber"];
export type PaymentLink = components["schemas"]["PaymentLink"];
export type PaymentOrderStatus = components["schemas"]["PaymentOrderStatus"];
export type ExpressDepositStatus = components["schemas"]["ExpressDepositStatus"];
export type AccountValidationStatus = components["schemas"]["AccountValidationStatus"];
export type KycStatus = components["schemas"]["KycStatus"];

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

  tokenIsValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return false;
    if (Date.now() < expiresAt) return true;
    this.tokens.delete(token);
    return false;
  }
}
