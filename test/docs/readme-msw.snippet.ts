import { createAlmaraPay, unwrap } from "almara-pay";
import { createSandbox } from "almara-pay/sandbox";
import { sandboxHandler } from "almara-pay/sandbox/msw";
import { setupServer } from "msw/node"; // in a browser: setupWorker from "msw/browser"

const sandbox = createSandbox();
const server = setupServer(sandboxHandler(sandbox, "https://sandbox.almara.test"));
server.listen();

// Code that calls the network with the global fetch now reaches the in-memory sandbox.
const pay = createAlmaraPay({ baseUrl: "https://sandbox.almara.test", ...sandbox.credentials });
console.log((await unwrap(pay.GET("/v1/bill-services"))).length > 0); // true

server.close();
await sandbox.close();
