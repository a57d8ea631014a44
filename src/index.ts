/**
 * almara-pay: the public surface. Every export is named here.
 */
export { createAlmaraPay } from "./client.js";
export type { AlmaraPayClient, AlmaraPayPaths } from "./client.js";
export type { AlmaraPayOptions } from "./options.js";

export { createTokenProvider } from "./token-provider.js";
export type {
  CachedToken,
  TokenCache,
  TokenProvider,
  TokenProviderOptions,
} from "./token-provider.js";
export { createAuthMiddleware } from "./auth-middleware.js";
export type { AuthMiddlewareOptions } from "./auth-middleware.js";
export { createTransport } from "./transport.js";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./transport.js";
export { DEFAULT_RETRY, createRetryingFetch } from "./retry.js";
export type { RetryOptions, RetryingFetchOptions } from "./retry.js";
export { createIdempotencyMiddleware } from "./idempotency-middleware.js";
export { findPaymentOutcome } from "./outcomes/bill-payment.js";
export type { BillPaymentRecord, PaymentOutcome } from "./outcomes/bill-payment.js";
export type { FindOutcomeOptions, NotFoundOutcome } from "./outcomes/poll.js";
/** @deprecated The same as `FindOutcomeOptions`. */
export type { FindOutcomeOptions as FindPaymentOutcomeOptions } from "./outcomes/poll.js";
export { classifyLine, findPaymentOrderOutcome } from "./outcomes/payment-order.js";
export type {
  PaymentOrderLineOutcome,
  PaymentOrderLineRecord,
  PaymentOrderOutcome,
  PaymentOrderRecord,
} from "./outcomes/payment-order.js";
export { findExpressDepositOutcome } from "./outcomes/express-deposit.js";
export type { ExpressDepositOutcome, ExpressDepositRecord } from "./outcomes/express-deposit.js";
export { findAirtimeOutcome } from "./outcomes/airtime.js";
export type {
  AirtimeOutcome,
  AirtimePurchaseRecord,
  AirtimeRecipientOutcome,
  AirtimeRecipientRecord,
} from "./outcomes/airtime.js";
export { RESULT_CODES, describeResultCode } from "./result-codes.js";
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
export { findAccountValidationOutcome } from "./outcomes/account-validation.js";
export type {
  AccountValidationOutcome,
  AccountValidationRecord,
} from "./outcomes/account-validation.js";
export { findKycOutcome } from "./outcomes/kyc.js";
export type { KycOutcome, KycRecord } from "./outcomes/kyc.js";
export { findCheckoutOutcome } from "./outcomes/checkout.js";
export type { CheckoutOutcome, CheckoutRecord } from "./outcomes/checkout.js";
export { UnconfirmedCallbackError, isUnconfirmedCallbackError } from "./errors/index.js";
export type { CallbackState } from "./errors/index.js";
export type { ResultAction, ResultCode, ResultCodeInfo } from "./result-codes.js";
export type { FetchLike, TransportOptions } from "./transport.js";

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
export { originatorConversationIdOf, unwrap } from "./unwrap.js";
export type { FetchResult } from "./unwrap.js";
export type { Logger } from "./logger.js";

export type { components, operations, paths } from "./generated/schema.js";
// Held back on purpose: redact.ts and request-info.ts are internal bookkeeping with no stable API.
