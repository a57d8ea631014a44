import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const id = process.argv[2]; // the order's originatorConversationId
if (!id)
  throw new Error(
    "usage: findCheckoutOrder <originatorConversationId>",
  );

const order = await unwrap(
  pay.GET("/v1/checkout-order/check-status", {
    // IdType 1: Id is the originatorConversationId.
    params: { query: { IdType: 1, Id: id } },
  }),
);
const outcome = order.checkoutOutcome;
console.log(
  outcome?.ResultCode === "000"
    ? `paid, reference ${outcome.ThirdPartyPayload?.Reference}`
    : "not paid yet",
);
