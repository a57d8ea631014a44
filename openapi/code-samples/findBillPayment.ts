import { createAlmaraPay } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

// The originatorConversationId the payment was sent with.
const originatorConversationId = process.argv[2];
if (!originatorConversationId)
  throw new Error("usage: findBillPayment <originatorConversationId>");

const { data, response } = await pay.GET("/v1/bill-payments", {
  params: {
    query: { OriginatorConversationId: originatorConversationId },
  },
});
if (data)
  console.log(
    `${data.transactionStatusDescription}: KES ${data.amount}`,
  );
else if (response.status === 404)
  // Not recorded (yet): if its answer was lost, resend it with the same id.
  console.log(
    "not recorded: resend with the same originatorConversationId",
  );
else console.log(`lookup failed with ${response.status}: try again`);
