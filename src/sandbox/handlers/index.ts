/** The handlers, by operationId: each API area's own module under this folder. */
import { billServices, routes } from "../catalogue.js";
import { findBillNumber, findBillPayment, postBillPayment, saveBillNumber } from "./bills.js";
import type { Handler } from "./contract.js";
import { createExpressDeposit, findExpressDeposit } from "./deposits.js";
import { createPaymentLink, findPaymentLink, updatePaymentLink } from "./payment-links.js";
import { createPaymentOrder, findPaymentOrder, rejectPaymentOrder } from "./payouts.js";
import {
  createCheckoutOrder,
  findAirtimePurchase,
  findCharges,
  findCheckoutOrder,
  findWalletBalance,
  purchaseAirtime,
} from "./purchases.js";
import { requestToken } from "./tokens.js";
import {
  findAccountValidation,
  findKycValidation,
  validateAccount,
  validateKyc,
} from "./validation.js";

export type { Callback, Handler, HandlerContext } from "./contract.js";

// The catalogue never changes: written as JSON once.
const JSON_TYPE = "application/json; charset=utf-8";
const routesJson = JSON.stringify(routes);
const billServicesJson = JSON.stringify(billServices);

export const handlers: Record<string, Handler> = {
  requestToken,
  checkHealth: () => ({ status: 200, text: "Healthy", contentType: "text/plain; charset=utf-8" }),
  findTransactionRoutes: () => ({ status: 200, text: routesJson, contentType: JSON_TYPE }),
  findBillServices: () => ({ status: 200, text: billServicesJson, contentType: JSON_TYPE }),
  postBillPayment,
  findBillPayment,
  saveBillNumber,
  findBillNumber,
  createPaymentLink,
  findPaymentLink,
  updatePaymentLink,
  createPaymentOrder,
  findPaymentOrder,
  rejectPaymentOrder,
  createExpressDeposit,
  findExpressDeposit,
  validateAccount,
  findAccountValidation,
  validateKyc,
  findKycValidation,
  createCheckoutOrder,
  findCheckoutOrder,
  purchaseAirtime,
  findAirtimePurchase,
  findWalletBalance,
  findCharges,
};
