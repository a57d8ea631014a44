import { createAlmaraPay, unwrap } from "almara-pay";
import { startSandbox } from "almara-pay/sandbox";

const sandbox = await startSandbox(); // 127.0.0.1, ephemeral port
const pay = createAlmaraPay({ baseUrl: sandbox.url, ...sandbox.credentials });

sandbox.injectFault("findBillServices", { status: 503, retryAfter: 1 }); // the next call only
const { response } = await pay.GET("/v1/bill-services", { retry: false }); // reads retry by default
console.log(response.status); // 503
console.log(await unwrap(pay.GET("/v1/bill-services"))); // the billers
console.log(sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status}`));
await sandbox.close();
