import { createAlmaraPay } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!, // your API host
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
  scope: "PyPay_api",
});

// You rarely need this: every call gets its token on its own. The SDK
// posts the form to /connect/token once, shares the token between
// concurrent calls and refreshes it before it expires.
const token = await pay.tokenProvider.getToken();
console.log(`token ready (${token.length} characters)`);
