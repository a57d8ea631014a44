/**
 * Express deposits (STK-push collections): accepted at once, then, after the settle delay, the
 * two callbacks — the STK result, then the final C2B IPN — or, for the cancelling test payer,
 * only the STK result.
 */
import type { components } from "../../generated/schema.js";
import {
  APP_DOMAIN,
  duplicateId,
  json,
  newConversationId,
  problem,
  receipt,
  timestamp,
  type Answer,
} from "../answers.js";
import { cancellingPayer } from "../catalogue.js";
import type { Callback, HandlerContext } from "./contract.js";

type Schemas = components["schemas"];

export function createExpressDeposit(ctx: HandlerContext): Answer {
  const body = ctx.body as Schemas["ExpressDepositRequest"];
  const id = body.OriginatorConversationId;
  const systemConversationId = newConversationId();
  if (ctx.state.deposits.has(id)) return duplicateId(id, systemConversationId);
  const record: Schemas["ExpressDepositStatus"] = {
    conversationId: systemConversationId,
    originatorConversationId: id,
    merchantRequestID: `${Math.floor(Math.random() * 90000) + 10000}-${Date.now() % 100000000}-1`,
    phoneNumber: body.PhoneNumber,
    mpesaReceiptNumber: null,
    resultCode: null,
    resultDesc: null,
    status: "Pending",
  };
  ctx.state.deposits.set(id, record);
  ctx.schedule(record, () => settleDeposit(record, Number(body.Amount), body.CallBackUrl));
  return json(200, {
    message: {
      appDomainName: APP_DOMAIN,
      remarks: "Express Deposit submission accepted",
      originatorConversationId: id,
      systemConversationId,
      timestamp: timestamp(),
    },
  } satisfies Schemas["ExpressDepositAccepted"]);
}

function settleDeposit(
  record: Schemas["ExpressDepositStatus"],
  amount: number,
  url: string,
): Callback[] {
  const cancelled = record.phoneNumber === cancellingPayer;
  const resultCode = cancelled ? 1032 : 0;
  const resultDesc = cancelled
    ? "Request cancelled by user"
    : "The service request is processed successfully.";
  const receiptNumber = cancelled ? null : receipt();
  Object.assign(record, {
    resultCode: String(resultCode),
    resultDesc,
    status: cancelled ? "Failed" : "Completed",
    mpesaReceiptNumber: receiptNumber,
  });
  const id = record.originatorConversationId;
  const stk: Schemas["StkCallback"] = {
    Body: {
      StkCallback: {
        MerchantRequestID: record.merchantRequestID ?? "",
        CheckoutRequestID: `ws_CO_${Date.now()}`,
        ResultCode: resultCode,
        ResultDesc: resultDesc,
      },
    },
  };
  const ipn: Schemas["C2bIpn"] = {
    OriginatorConversationId: id,
    Thirdpartyreceiptnumber: receiptNumber,
    PaymentAmount: amount,
    PhoneNumber: record.phoneNumber ?? null,
    TransactionDate: timestamp(),
  };
  return cancelled
    ? [{ url, body: stk, originatorConversationId: id }]
    : [
        { url, body: stk, originatorConversationId: id },
        { url, body: ipn, originatorConversationId: id },
      ];
}

export function findExpressDeposit(ctx: HandlerContext): Answer {
  const record = ctx.state.deposits.get(ctx.query.get("OriginatorConversationId") ?? "");
  return record ? json(200, record) : problem(404, "No express deposit has that id.");
}
