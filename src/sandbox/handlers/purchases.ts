/**
 * Airtime, checkout and the account reads: airtime purchases and checkouts settle after the
 * delay with their callbacks; the balance follows the payouts paid; charges are the spec's
 * examples, by transaction type.
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
import type { HandlerContext } from "./contract.js";
import { at } from "../spec.js";

type Schemas = components["schemas"];

const charges = at(
  "/paths/~1v1~1charge~1fetch-charges/get/responses/200/content/application~1json/examples/tiers/value",
) as Schemas["Charge"][];

/** Numbers whose top-up fails (result code 6, invalid credit account). Others are topped up. */
const FAILING_AIRTIME_NUMBER = "254700000006";

export function purchaseAirtime(ctx: HandlerContext): Answer {
  const body = ctx.body as Schemas["AirtimePurchaseRequest"];
  const id = body.originatorConversationId;
  if (ctx.state.airtime.has(id)) return duplicateId(id);
  const systemConversationId = newConversationId();
  const record: Schemas["AirtimePurchaseStatus"] = {
    systemConversationId,
    originatorConversationId: id,
    recipients: body.recipients.map((r) => ({
      phoneNumber: r.phoneNumber,
      amount: r.amount,
      currencyCode: r.currencyCode ?? "KES",
      status: 0,
      statusDescription: "Pending",
      statusCode: null,
      receiptNumber: null,
    })),
  };
  ctx.state.airtime.set(id, record);
  ctx.schedule(record, () => {
    for (const recipient of record.recipients) {
      const fails = recipient.phoneNumber === FAILING_AIRTIME_NUMBER;
      Object.assign(recipient, {
        status: fails ? 5 : 4,
        statusDescription: fails ? "Failed" : "Completed",
        statusCode: fails ? 6 : 0,
        receiptNumber: fails ? null : receipt(),
      });
    }
    return { url: body.callBackUrl, body: record, originatorConversationId: id };
  });
  return json(200, {
    message: {
      appDomainName: APP_DOMAIN,
      remarks: "Airtime Purchase submission accepted",
      originatorConversationId: id,
      systemConversationId,
      timestamp: timestamp(),
    },
  } satisfies Schemas["AirtimePurchaseAccepted"]);
}

export function findAirtimePurchase(ctx: HandlerContext): Answer {
  const record = ctx.state.airtime.get(ctx.query.get("OriginatorConversationId") ?? "");
  return record ? json(200, record) : problem(404, "No airtime purchase has that id.");
}

export function findWalletBalance(ctx: HandlerContext): Answer {
  const ccy = ctx.query.get("ccy");
  if (ccy !== null && ccy !== "404") return problem(404, `No wallet in currency ${ccy}.`);
  const working = ctx.state.walletBalance;
  const utility = 3400;
  return json(200, {
    customerAccountBalanceList: [
      { status: "Active", message: "Working account", balance: working, type: 1 },
      { status: "Active", message: "Utility account", balance: utility, type: 2 },
    ],
    status: "Active",
    balance: working + utility,
  } satisfies Schemas["WalletBalance"]);
}

export function findCharges(ctx: HandlerContext): Answer {
  const type = ctx.query.get("transactionTypeId") ?? "";
  return json(
    200,
    charges.filter((c) => c.transactionTypeId?.toLowerCase() === type.toLowerCase()),
  );
}

export function createCheckoutOrder(ctx: HandlerContext): Answer {
  const body = ctx.body as Schemas["CheckoutOrderRequest"];
  const id = body.originatorConversationId;
  if (ctx.state.checkouts.has(id)) return duplicateId(id);
  const checkoutId = newConversationId();
  const order: Schemas["CheckoutOrder"] = {
    ...body,
    id: newConversationId(),
    conversationId: newConversationId(),
    checkoutId,
    checkoutCurrencyCode: String(body.checkoutCurrencyCode),
    checkoutUrl: `${ctx.baseUrl}/checkout/${checkoutId}`,
    checkoutOutcome: null,
  };
  ctx.state.checkouts.set(id, order);
  // The customer pays on the page after the settle delay.
  ctx.schedule(order, () => {
    order.checkoutOutcome = {
      Status: 4,
      StatusDesc: "Completed",
      ResultCode: "000",
      ResultDesc: "Request Processed",
      ThirdPartyPayload: {
        ResponseCode: "000",
        ResponseDesc: "Request Processed",
        Reference: receipt("TXN"),
      },
    };
    return { url: body.checkoutCallbackUrl, body: order, originatorConversationId: id };
  });
  return json(200, order);
}

export function findCheckoutOrder(ctx: HandlerContext): Answer {
  const id = ctx.query.get("Id") ?? "";
  const order =
    ctx.query.get("IdType") === "0"
      ? [...ctx.state.checkouts.values()].find((o) => o.conversationId === id)
      : ctx.state.checkouts.get(id);
  return order ? json(200, order) : problem(404, "No checkout order has that id.");
}
