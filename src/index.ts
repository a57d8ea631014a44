/**
 * almara-pay: the public surface. Every export is named here.
 */
export { createAlmaraPay } from "./client/client.js";
export type { AlmaraPayClient, AlmaraPayPaths } from "./client/client.js";
export type { AlmaraPayOptions } from "./client/options.js";

export { createTokenProvider } from "./auth/token-provider.js";
export type {
  CachedToken,
  TokenCache,
  TokenProvider,
  TokenProviderOptions,
} from "./auth/token-provider.js";
export { createAuthMiddleware } from "./auth/auth-middleware.js";
export type { AuthMiddlewareOptions } from "./auth/auth-middleware.js";
export { createTransport } from "./pipeline/transport.js";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./pipeline/transport.js";
export { DEFAULT_RETRY, createRetryingFetch } from "./pipeline/retry.js";
export type { RetryOptions, RetryingFetchOptions } from "./pipeline/retry.js";
export { createIdempotencyMiddleware } from "./pipeline/idempotency-middleware.js";
export { findPaymentOutcome } from "./payments/outcomes/bill-payment.js";
export type { BillPaymentRecord, PaymentOutcome } from "./payments/outcomes/bill-payment.js";
export type { FindOutcomeOptions, NotFoundOutcome } from "./payments/outcomes/poll.js";
/** @deprecated The same as `FindOutcomeOptions`. */
export type { FindOutcomeOptions as FindPaymentOutcomeOptions } from "./payments/outcomes/poll.js";
export { classifyLine, findPaymentOrderOutcome } from "./payments/outcomes/payment-order.js";
export type {
  PaymentOrderLineOutcome,
  PaymentOrderLineRecord,
  PaymentOrderOutcome,
  PaymentOrderRecord,
} from "./payments/outcomes/payment-order.js";
export { findExpressDepositOutcome } from "./payments/outcomes/express-deposit.js";
export type {
  ExpressDepositOutcome,
  ExpressDepositRecord,
} from "./payments/outcomes/express-deposit.js";
export { findAirtimeOutcome } from "./payments/outcomes/airtime.js";
export type {
  AirtimeOutcome,
  AirtimePurchaseRecord,
  AirtimeRecipientOutcome,
  AirtimeRecipientRecord,
} from "./payments/outcomes/airtime.js";
export { RESULT_CODES, describeResultCode } from "./payments/result-codes.js";
export {
  isFinalExpressDepositCallback,
  parseAccountValidationCallback,
  parseAirtimeCallback,
  parseBillPaymentCallback,
  parseCheckoutCallback,
  parseExpressDepositCallback,
  parseKycCallback,
  parsePaymentOrderCallback,
  readCallback,
} from "./callbacks/parse.js";
export type {
  AccountValidationCallback,
  AirtimeCallback,
  BillPaymentCallback,
  CallbackBody,
  CheckoutCallback,
  CallbackResult,
  ExpressDepositCallback,
  KycCallback,
  PaymentOrderCallback,
} from "./callbacks/parse.js";
export {
  confirmAccountValidationCallback,
  confirmAirtimeCallback,
  confirmBillPaymentCallback,
  confirmCheckoutCallback,
  confirmExpressDepositCallback,
  confirmKycCallback,
  confirmPaymentOrderCallback,
} from "./callbacks/confirm.js";
export type {
  ConfirmCallbackOptions,
  ConfirmExpressDepositOptions,
  Confirmed,
} from "./callbacks/confirm.js";
export { callbackKey } from "./callbacks/claims.js";
export type { CallbackEvents, CallbackKind } from "./callbacks/claims.js";
export {
  DEFAULT_DELIVERY_LEASE_MS,
  DEFAULT_DELIVERY_TTL_MS,
  createMemoryDeliveryGuard,
  processOnce,
} from "./callbacks/delivery-guard.js";
export type {
  CallbackDeliveryGuard,
  DeliveryClaim,
  MemoryDeliveryGuardOptions,
  ProcessOnceResult,
} from "./callbacks/delivery-guard.js";
export { findAccountValidationOutcome } from "./payments/outcomes/account-validation.js";
export type {
  AccountValidationOutcome,
  AccountValidationRecord,
} from "./payments/outcomes/account-validation.js";
export { findKycOutcome } from "./payments/outcomes/kyc.js";
export type { KycOutcome, KycRecord } from "./payments/outcomes/kyc.js";
export { findCheckoutOutcome } from "./payments/outcomes/checkout.js";
export type { CheckoutOutcome, CheckoutRecord } from "./payments/outcomes/checkout.js";
export { UnconfirmedCallbackError, isUnconfirmedCallbackError } from "./errors/index.js";
export type { CallbackState } from "./errors/index.js";
export type { ResultAction, ResultCode, ResultCodeInfo } from "./payments/result-codes.js";
export type { FetchLike, TransportOptions } from "./pipeline/transport.js";

export {
  AlmaraPayError,
  AmbiguousOutcomeError,
  ApiError,
  CallbackError,
  AuthenticationError,
  DuplicateIdError,
  NetworkError,
  InvalidResponseError,
  TimeoutError,
  isAlmaraPayError,
  isAmbiguousOutcomeError,
  isCallbackError,
  isDuplicateIdError,
  isInvalidResponseError,
  isApiError,
  isAuthenticationError,
  isNetworkError,
  isTimeoutError,
} from "./errors/index.js";
export type { AlmaraPayErrorKind, ApiErrorKind } from "./errors/index.js";
export { originatorConversationIdOf, unwrap } from "./payments/unwrap.js";
export type { FetchResult } from "./payments/unwrap.js";
export type { Logger } from "./secrets/logger.js";

export type { components, operations, paths } from "./generated/schema.js";
// Held back on purpose: redact.ts and request-info.ts are internal bookkeeping with no stable API.
