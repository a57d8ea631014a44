/**
 * Receiving the bill-payment callback with node:http, and acting on it only once the API agrees.
 * The API signs no callback and names no source addresses: anyone who learns this URL can POST a
 * well-shaped body to it. So the server reads at most 1 MiB, answers 400 to a bad body, processes
 * each delivery once, and confirms it by looking the payment up through the authenticated API.
 * It answers 200 once the delivery is processed (or was already): anything else, and the API sends
 * it again.
 *
 *   ALMARA_BASE_URL=… ALMARA_CLIENT_ID=… ALMARA_CLIENT_SECRET=… PORT=8080 \
 *     npx tsx examples/callback-server.ts
 *   (then give http://127.0.0.1:8080/almara/bill-callback as the payment's callBackUrl)
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import {
  callbackKey,
  confirmBillPaymentCallback,
  createAlmaraPay,
  createMemoryDeliveryGuard,
  isUnconfirmedCallbackError,
  parseBillPaymentCallback,
  processOnce,
  readCallback,
} from "almara-pay";

const MAX_BODY_BYTES = 1024 * 1024;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const pay = createAlmaraPay({
  baseUrl: required("ALMARA_BASE_URL"),
  clientId: required("ALMARA_CLIENT_ID"),
  clientSecret: required("ALMARA_CLIENT_SECRET"),
});
// One process: in memory. Several instances share one through Redis (createRedisDeliveryGuard).
const guard = createMemoryDeliveryGuard();

/** The body, or undefined as soon as it passes MAX_BODY_BYTES (then the rest is not read). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers["content-length"]) > MAX_BODY_BYTES) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length; // bytes, as they arrive
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data").pause(); // stop reading
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const server = createServer(async (request, response) => {
  if (request.method !== "POST" || request.url !== "/almara/bill-callback") {
    response.writeHead(404).end();
    return;
  }
  const body = await readBody(request).catch(() => undefined);
  if (body === undefined) {
    response.writeHead(413, { Connection: "close" }).end();
    return;
  }
  const result = readCallback(body, parseBillPaymentCallback);
  if (!result.ok) {
    console.error(result.error.message); // names the offending field
    response.writeHead(400).end();
    return;
  }
  try {
    const delivery = await processOnce(
      guard,
      callbackKey("bill-payment", result.event),
      async () => {
        // Never on the callback alone: the API's record, looked up by the payment's id, decides.
        const outcome = await confirmBillPaymentCallback(pay, result.event, { waitMs: 5000 });
        const { originatorConversationId: id, receiptNumber } = outcome.record;
        if (outcome.state === "completed") console.log(`${id}: Success (receipt ${receiptNumber})`);
        else console.log(`${id}: ${outcome.state}, not paid`);
      },
    );
    // Being processed by another delivery right now: ask for this one again later.
    response.writeHead(delivery.processed || delivery.reason === "duplicate" ? 200 : 503).end();
  } catch (error) {
    // Not confirmed (forged, or the API not there yet) or the lookup failed: nothing was done,
    // and the claim was released, so a redelivery is processed afresh.
    console.error(isUnconfirmedCallbackError(error) ? error.message : error);
    response.writeHead(500).end();
  }
});

server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`Listening on http://127.0.0.1:${port}/almara/bill-callback`);
});
