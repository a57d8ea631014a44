import { createAlmaraPay, unwrap } from "almara-pay";

const pay = createAlmaraPay({
  baseUrl: process.env.ALMARA_BASE_URL!,
  clientId: process.env.ALMARA_CLIENT_ID!,
  clientSecret: process.env.ALMARA_CLIENT_SECRET!,
});

const order = await unwrap(
  pay.POST("/v1/checkout-order/new-order", {
    body: {
      originatorConversationId: crypto.randomUUID(),
      checkoutReference: "ORD-20260126-7848",
      checkoutRouteId: "ded81224-70b6-ed11-ad49-0ee00e897f52",
      checkoutRouteChannelType: 172,
      checkoutCurrencyCode: 404, // KES, ISO 4217 numeric
      checkoutReturnUrl: "https://shop.example.com/payment/response",
      checkoutCancelUrl: "https://shop.example.com/payment/cancel",
      checkoutCallbackUrl:
        "https://shop.example.com/api/payment/result",
      checkoutRequestLines: [
        {
          sku: "SHRT-BLK-XL-9981",
          name: "Black Shirt XL",
          price: 2500,
        },
      ],
    },
  }),
);
// Send the customer to the checkout page; the result comes to
// the callback.
console.log(`checkout ${order.checkoutId}: ${order.checkoutUrl}`);
