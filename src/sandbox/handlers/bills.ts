/** Bill payments (and bill validation, transactionType 3), their lookup, and saved bill numbers. */
import type { components } from "../../generated/schema.js";
import {
  APP_DOMAIN,
  domainError,
  duplicateId,
  json,
  newConversationId,
  problem,
  receipt,
  timestamp,
  type Answer,
} from "../answers.js";
import { findAccount, findService } from "../catalogue.js";
import type { StoredPayment } from "../state.js";
import type { Callback, HandlerContext } from "./contract.js";

type Schemas = components["schemas"];

export function postBillPayment(ctx: HandlerContext): Answer {
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
        // Every documented answer carries an id: the caller's, or one made for a query or a
        // validation sent without one.
        originatorConversationId: body.originatorConversationId || newConversationId(),
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

export function findBillPayment(ctx: HandlerContext): Answer {
  const stored = ctx.state.payments.get(ctx.query.get("OriginatorConversationId") ?? "");
  return stored
    ? json(200, stored.record)
    : problem(404, "No bill payment has that OriginatorConversationId.");
}

function billNumberKey(serviceId: string, accountNumber: string): string {
  return `${serviceId}|${accountNumber}`;
}

export function saveBillNumber(ctx: HandlerContext): Answer {
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

export function findBillNumber(ctx: HandlerContext): Answer {
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
