/**
 * Receiving the bill-payment callback with node:http: the raw body in, a typed event out.
 *
 *   PORT=8080 npx tsx examples/callback-server.ts
 *   (then give http://127.0.0.1:8080/almara/bill-callback as the payment's callBackUrl)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseBillPaymentCallback, readCallback } from "almara-pay";

const server = createServer((request, response) => {
  if (request.method !== "POST" || request.url !== "/almara/bill-callback") {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const result = readCallback(Buffer.concat(chunks), parseBillPaymentCallback);
    response.writeHead(result.status).end();
    if (!result.ok) {
      console.error(result.error.message); // names the offending field
      return;
    }
    const payment = result.event;
    console.log(
      `${payment.originatorConversationId}: ${payment.statusDescription} (receipt ${payment.receiptNumber})`,
    );
  });
});

server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`Listening on http://127.0.0.1:${port}/almara/bill-callback`);
});
