/** Payouts (payment orders): accepted with 202, settled later per line, stoppable while pending. */
import type { components } from "../../generated/schema.js";
import { describeResultCode } from "../../payments/result-codes.js";
import {
  APP_DOMAIN,
  domainError,
  duplicateId,
  fieldRefused,
  json,
  newConversationId,
  problem,
  receipt,
  timestamp,
  type Answer,
} from "../answers.js";
import { failingPayoutRecipients, findRoute } from "../catalogue.js";
import type { Callback, HandlerContext } from "./contract.js";

type Schemas = components["schemas"];

/** What the sandbox charges for a payout line that is paid (KES). */
const PAYOUT_FEE = 15;

type PaymentOrderRequest = Schemas["PaymentOrderRequest"];

/** The first reason a payout line cannot be paid over its route, if any. */
function routeProblem(line: PaymentOrderRequest["paymentOrderLines"][number]): string | undefined {
  const route = findRoute(line.transaction.routeId);
  if (!route) return `routeId '${line.transaction.routeId}' is not one of your routes`;
  const channels = (route.channelTypes ?? []).map((c) => c.channelType);
  if (!channels.includes(line.transaction.channelType)) {
    return `channelType ${line.transaction.channelType} is not available on route '${route.id}'`;
  }
  return undefined;
}

type PaymentOrderLine = PaymentOrderRequest["paymentOrderLines"][number];
type LineEcho = Schemas["PaymentOrderLineStatus"];

/** Every field of `fields`, as `value` has it or null: the API echoes a line in full. */
function echo<K extends string>(
  fields: readonly K[],
  value: Partial<Record<K, unknown>> | undefined,
): Record<K, unknown> {
  return Object.fromEntries(fields.map((f) => [f, value?.[f] ?? null])) as Record<K, unknown>;
}

const REMITTER_FIELDS = [
  ...["name", "address", "phoneNumber", "idType", "idNumber", "country", "ccy", "nationality"],
  ...["idIssuePlace", "idIssueDate", "financialInstitution", "sourceOfFunds"],
  ...["principalActivity", "dateOfBirth", "emailAddress", "occupation"],
] as const;
const RECIPIENT_FIELDS = [
  ...["name", "address", "emailAddress", "phoneNumber", "idType", "idNumber", "mccmnc"],
  ...["financialInstitution", "institutionIdentifier", "primaryAccountNumber", "ccy", "country"],
  ...["purpose", "nationality"],
] as const;
const TRANSACTION_FIELDS = [
  ...["routeId", "amount", "reference", "systemTraceAuditNumber", "channelType"],
  "customerAccountNo",
] as const;

/** A line as check-status echoes it: what was sent, null where it was not, and what the API adds. */
function echoLine(line: PaymentOrderLine): Omit<LineEcho, "transactionOutcome"> {
  const route = findRoute(line.transaction.routeId);
  const category = Number(route?.category);
  return {
    // The echo spells the request's `idExpiryDate` as `idExpireDate`.
    remitter: {
      ...echo(REMITTER_FIELDS, line.remitter),
      idExpireDate: line.remitter?.idExpiryDate ?? null,
    },
    recipient: {
      ...echo(RECIPIENT_FIELDS, line.recipient),
      ...{ creditCustomerAccountId: null, state: null, city: null, postalCode: null },
    },
    transaction: {
      ...echo(TRANSACTION_FIELDS, line.transaction),
      // Not in the documented answer (a mobile payout): echoed when a business payout sends it.
      ...(line.transaction.accountNo === undefined
        ? {}
        : { accountNo: line.transaction.accountNo }),
      type: Number.isInteger(category) ? category : null,
      routeTransactionTypeId: route?.transactionTypeId ?? null,
      relationship: null,
    },
  } as Omit<LineEcho, "transactionOutcome">;
}

export function createPaymentOrder(ctx: HandlerContext): Answer {
  const body = ctx.body as PaymentOrderRequest;
  const systemConversationId = newConversationId();
  const id = body.originatorConversationId;
  const ids = { originatorConversationId: id, systemConversationId };
  if (ctx.state.payouts.has(id)) {
    return duplicateId(id, systemConversationId);
  }
  for (const [index, line] of body.paymentOrderLines.entries()) {
    const problem = routeProblem(line);
    if (problem) return fieldRefused(`PaymentOrderLines[${index}].Transaction`, problem, ids);
  }
  const record: Schemas["PaymentOrderStatus"] = {
    id: systemConversationId,
    conversationId: systemConversationId,
    originatorConversationId: id,
    remarks: body.paymentNotes,
    isProcessed: false,
    orderLines: body.paymentOrderLines.map((line) => ({
      ...echoLine(line),
      transactionOutcome: {
        id: newConversationId(),
        paymentAmount: line.transaction.amount,
        feeAmount: null,
        trackingNumber: null,
        transactionStatus: 0,
        transactionStatusDescription: "Pending",
        resultCode: null,
        resultCodeDescription: null,
        thirdPartyPayload: null,
      },
    })),
  };
  ctx.state.payouts.set(id, record);
  ctx.schedule(record, () => settlePayout(ctx, record));
  return json(202, {
    message: {
      appDomainName: APP_DOMAIN,
      systemConversationId,
      originatorConversationId: id,
      remarks: "order submission accepted",
      timestamp: timestamp(),
    },
  } satisfies Schemas["PaymentOrderAccepted"]);
}

/** Every pending line is paid, or fails with its test recipient's result code. */
function settlePayout(ctx: HandlerContext, record: Schemas["PaymentOrderStatus"]): Callback {
  for (const line of record.orderLines) {
    const outcome = line.transactionOutcome;
    if (outcome.transactionStatus !== 0) continue;
    const account = String(line.recipient?.primaryAccountNumber ?? "");
    const code = failingPayoutRecipients[account] ?? 0;
    const receiptNumber = receipt();
    if (code === 0) ctx.state.walletBalance -= (line.transaction?.amount ?? 0) + PAYOUT_FEE;
    Object.assign(outcome, {
      transactionStatus: code === 0 ? 4 : 5,
      transactionStatusDescription: code === 0 ? "Completed" : "Failed",
      resultCode: String(code),
      resultCodeDescription: describeResultCode(code).meaning,
      feeAmount: code === 0 ? PAYOUT_FEE : 0,
      trackingNumber: code === 0 ? receiptNumber : null,
      thirdPartyPayload: {
        thirdPartyResultCode: String(code),
        thirdPartyResultCodeDescription: describeResultCode(code).meaning,
        thirdPartyReceiptNumber: code === 0 ? receiptNumber : null,
      },
    });
  }
  record.isProcessed = true;
  return {
    url: ctx.webhookUrl,
    body: record,
    originatorConversationId: record.originatorConversationId,
  };
}

export function findPaymentOrder(ctx: HandlerContext): Answer {
  const id = ctx.query.get("Id") ?? "";
  const record =
    ctx.query.get("IdType") === "SystemConversationId"
      ? [...ctx.state.payouts.values()].find((r) => r.id === id)
      : ctx.state.payouts.get(id);
  return record ? json(200, record) : problem(404, "No payment order has that id.");
}

export function rejectPaymentOrder(ctx: HandlerContext): Answer {
  const record = ctx.state.payouts.get(ctx.query.get("OriginatorConversationId") ?? "");
  if (!record) return problem(404, "No payment order has that OriginatorConversationId.");
  const pendingLines = record.orderLines.filter(
    (l) => l.transactionOutcome.transactionStatus === 0,
  );
  if (pendingLines.length === 0) {
    return domainError("Only a payment order that is Pending or Queued can be rejected.");
  }
  for (const line of pendingLines) {
    Object.assign(line.transactionOutcome, {
      transactionStatus: 6,
      transactionStatusDescription: "Rejected",
    });
  }
  record.isProcessed = true;
  ctx.cancelSettlement(record);
  return json(200, {
    paymentOrderlines: pendingLines.map((line) => ({
      originatorConversationId: record.originatorConversationId,
      transactionStatus: line.transactionOutcome.transactionStatus,
      transactionStatusDescription: line.transactionOutcome.transactionStatusDescription,
      resultCode: line.transactionOutcome.resultCode ?? null,
      resultCodeDescription: line.transactionOutcome.resultCodeDescription ?? null,
    })),
  } satisfies Schemas["PaymentOrderRejection"]);
}
