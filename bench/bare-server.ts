/** The throughput baseline: node:http answering the sandbox's bill services, nothing else. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { billServices } from "../src/sandbox/catalogue.js";

const body = JSON.stringify(billServices);
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "Content-Type": "application/json" }).end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`bare server on http://127.0.0.1:${port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
