/** What each operation does, by operationId. Requests reach these already authenticated and valid. */
import type { components } from "../generated/schema.js";
import {
  APP_DOMAIN,
  domainError,
  duplicateId,
  json,
  newConversationId,
  oauthError,
  problem,
  randomHex,
  receipt,
  timestamp,
  type Answer,
} from "./answers.js";
import { billServices, findAccount, findService, routes } from "./catalogue.js";
import { createExpressDeposit, findExpressDeposit } from "./deposits.js";
import { createPaymentOrder, findPaymentOrder, rejectPaymentOrder } from "./payouts.js";
import {
  createCheckoutOrder,
  findAirtimePurchase,
  findCharges,
  findCheckoutOrder,
  findWalletBalance,
  purchaseAirtime,
} from "./purchases.js";
import {
  findAccountValidation,
  findKycValidation,
  validateAccount,
  validateKyc,
} from "./validation.js";
import type { SandboxState, StoredPayment } from "./state.js";

type Schemas = components["schemas"];

export interface HandlerContext {
  body: unknown;
  query: URLSearchParams;
  state: SandboxState;
  credentials: { clientId: string; clientSecret: string; scope: string };
  tokenLifetimeSeconds: number;
  /**
   * After the settle delay, runs `settle` (which applies the outcome) and delivers the callback
   * it returns. `key` identifies what is pending.
   */
  schedule(key: object, settle: () => Callback | readonly Callback[] | undefined): void;
  /** Forgets a pending settlement (a payout that was stopped). */
  cancelSettlement(key: object): void;
  /** The payout webhook URL (the dashboard setting), if any. */
  webhookUrl: string | undefined;
  /** The sandbox's own URL (for the checkout page it names). */
  baseUrl: string;
}

/** A callback to POST: where, what, and the transaction it is about. */
export interface Callback {
  url: string | undefined;
  body: unknown;
  originatorConversationId: string;
}

export type Handler = (ctx: HandlerContext) => Answer;

function requestToken(ctx: HandlerContext): Answer {
  const form = ctx.body as Record<string, string>;
  if (form.grant_type !== "client_credentials") return oauthError(400, "unsupported_grant_type");
  if (
    form.client_id !== ctx.credentials.clientId ||
    form.client_secret !== ctx.credentials.clientSecret
  ) {
    return oauthError(401, "invalid_client");
  }
  if (form.scope !== ctx.credentials.scope) return oauthError(400, "invalid_scope");
  const token = `sbx_${randomHex(24)}`;
  ctx.state.tokens.set(token, Date.now() + ctx.tokenLifetimeSeconds * 1000);
  return json(200, {
    access_token: token,
    expires_in: ctx.tokenLifetimeSeconds,
    token_type: "Bearer",
    scope: ctx.credentials.scope,
  } satisfies Schemas["TokenResponse"]);
}

function postBillPayment(ctx: HandlerContext): Answer {
  const body = ctx.body as Schemas["BillPaymentFields"] & {
    ServiceId?: string;
    serviceCode?: string;
  };
  const service = findService(body);
  if (!service) return domainError("The bill service is unknown.");
  const account = findAccount(service, body.accountNumber);
  if (!account) return domainError("Account number number is invalid.");
  const systemConversationId = newConversationId();
  const details = {
    dueDate: account.dueDate,
    dueAmount: account.amountDue,
    currency: "KES",
    accountCustomerName: account.holder,
    active: "Active",
  };
  if (body.transactionType !== 2) {
    return json(200, {
      message: {
        appDomainName: APP_DOMAIN,
        remarks:
          body.transactionType === 3 ? "Bill validation successful" : "Bill query successful",
        ...(body.originatorConversationId
          ? { originatorConversationId: body.originatorConversationId }
          : {}),
        systemConversationId,
        timestamp: timestamp(),
        ...details,
      },
    } satisfies Schemas["BillPaymentAccepted"]);
  }
  const id = body.originatorConversationId!;
  if (ctx.state.payments.has(id)) return duplicateId(id, systemConversationId);
  const payment: StoredPayment = {
    callBackUrl: body.callBackUrl,
    record: {
      systemConversationId,
      originatorConversationId: id,
      ...(service.serviceCode ? { serviceCode: service.serviceCode } : {}),
      accountNumber: body.accountNumber,
      msisdn: body.msisdn!,
      amount: body.amount!,
      datePaymentReceived: null,
      accountCustomerName: account.holder,
      customerNames: body.customerNames ?? null,
      countryCode: body.countryCode!,
      currencyCode: body.currencyCode!,
      transactionType: 2,
      dueAmount: account.amountDue,
      dueDate: account.dueDate,
      narration: body.narration ?? body.transactionDesc ?? null,
      receiptNumber: null,
      status: 0,
      transactionStatusDescription: "Pending",
      statusDescription: "Pending",
      callbackURL: body.callBackUrl ?? null,
    },
  };
  ctx.state.payments.set(id, payment);
  ctx.schedule(payment, () => settleBillPayment(payment, account.declines === true));
  return json(200, {
    message: {
      appDomainName: APP_DOMAIN,
      remarks: "Bill Payment submission accepted",
      originatorConversationId: id,
      systemConversationId,
      timestamp: timestamp(),
      ...details,
    },
  } satisfies Schemas["BillPaymentAccepted"]);
}

/** A bill payment completes (with a receipt) or, for the declining test account, fails. */
function settleBillPayment(payment: StoredPayment, declines: boolean): Callback {
  const when = new Date().toISOString().replace("T", " ").slice(0, 19);
  Object.assign(
    payment.record,
    declines
      ? {
          status: 5,
          transactionStatusDescription: "Failed",
          statusCode: 18,
          statusDescription: "Declined",
        }
      : {
          status: 4,
          transactionStatusDescription: "Completed",
          statusCode: 0,
          statusDescription: "Success",
          datePaymentReceived: when,
          receiptNumber: receipt(),
        },
  );
  return {
    url: payment.callBackUrl,
    body: payment.record,
    originatorConversationId: payment.record.originatorConversationId,
  };
}

function findBillPayment(ctx: HandlerContext): Answer {
  const stored = ctx.state.payments.get(ctx.query.get("OriginatorConversationId") ?? "");
  return stored
    ? json(200, stored.record)
    : problem(404, "No bill payment has that OriginatorConversationId.");
}

function billNumberKey(serviceId: string, accountNumber: string): string {
  return `${serviceId}|${accountNumber}`;
}

function saveBillNumber(ctx: HandlerContext): Answer {
  const body = ctx.body as Schemas["BillNumberRequest"] & {
    ServiceId?: string;
    serviceCode?: string;
    accountNumber: string;
    phoneNumber?: string;
  };
  const service = findService(body);
  if (!service) return domainError("The bill service is unknown.");
  const account = findAccount(service, body.accountNumber);
  if (!account) return domainError("Account number number is invalid.");
  const saved: Schemas["BillNumber"] = {
    serviceID: service.serviceId,
    customerName: account.holder,
    accountNumber: account.accountNumber,
    phoneNumber: body.phoneNumber ?? null,
    enabled: true,
    verified: true,
    dueDate: account.dueDate.replace("T", " "),
  };
  ctx.state.billNumbers.set(billNumberKey(service.serviceId, account.accountNumber), saved);
  return json(200, {
    message: {
      appDomainName: APP_DOMAIN,
      remarks: "Bill Number submission accepted",
      customerName: account.holder,
      systemConversationId: newConversationId(),
      lastKnownBalance: account.amountDue,
      dueDate: account.dueDate,
      timestamp: timestamp(),
    },
  } satisfies Schemas["BillNumberAccepted"]);
}

function findBillNumber(ctx: HandlerContext): Answer {
  const reference = ctx.query.get("serviceId") ?? "";
  const service = findService({ ServiceId: reference, serviceCode: reference });
  const saved =
    service &&
    ctx.state.billNumbers.get(
      billNumberKey(service.serviceId, ctx.query.get("accountNumber") ?? ""),
    );
  return saved
    ? json(200, saved)
    : problem(404, "No bill number is saved for that service and account.");
}

function createPaymentLink(ctx: HandlerContext): Answer {
  const link: Schemas["PaymentLink"] = {
    ...(ctx.body as Schemas["PaymentLinkFields"]),
    id: globalThis.crypto.randomUUID(),
  };
  ctx.state.links.set(link.id!, link);
  return json(200, link);
}

function findPaymentLink(ctx: HandlerContext): Answer {
  const link = ctx.state.links.get(ctx.query.get("Id") ?? "");
  return link ? json(200, link) : problem(404, "No payment link has that id.");
}

function updatePaymentLink(ctx: HandlerContext): Answer {
  const changes = ctx.body as Schemas["PaymentLinkUpdateRequest"];
  const link = ctx.state.links.get(changes.id);
  if (!link) return problem(404, "No payment link has that id.");
  const updated = { ...link, ...changes };
  if (updated.isAmountSpecified === true && updated.amount === undefined) {
    return domainError("A fixed-amount payment link needs an amount.");
  }
  ctx.state.links.set(changes.id, updated);
  return json(200, updated);
}

export const handlers: Record<string, Handler> = {
  requestToken,
  checkHealth: () => ({ status: 200, text: "Healthy", contentType: "text/plain; charset=utf-8" }),
  findTransactionRoutes: () => json(200, routes),
  findBillServices: () => json(200, billServices),
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
