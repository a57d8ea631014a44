/**
 * The programs each runtime of the matrix runs, written into a project where the packed tarball
 * is installed: the SDK flow (token → bill services → bill validation → payment link, then an
 * API refusal through the error guards) as an ES module and as CommonJS, the same flow against a
 * sandbox the runtime starts itself, a page for Chromium and a Worker for workerd.
 */

/**
 * The flow, over whichever copy of the SDK it is given. It resolves to `{ ok, steps }`, or
 * throws naming the step that went wrong.
 */
const FLOW = `
async function flow(sdk, baseUrl, extra) {
  const steps = [];
  const pay = sdk.createAlmaraPay({
    baseUrl,
    clientId: "sandbox-client",
    clientSecret: "sandbox-secret",
    ...extra,
  });
  const services = await sdk.unwrap(pay.GET("/v1/bill-services"));
  const water = services.find((s) => s.serviceCode === "KE-NAIROBI-WATER");
  if (!water) throw new Error("bill services: no KE-NAIROBI-WATER in " + services.length);
  steps.push("token", "bill services");
  const validated = await sdk.unwrap(
    pay.POST("/v1/bill-payments", {
      body: { transactionType: 3, ServiceId: water.serviceId, accountNumber: "1111111" },
    }),
  );
  if (!validated.message || !validated.message.accountCustomerName)
    throw new Error("bill validation: no account holder in " + JSON.stringify(validated));
  steps.push("bill validation");
  const link = await sdk.unwrap(
    pay.POST("/v1/payment-link/create-payment-link", {
      body: {
        shortCode: "600980",
        firstName: "Amina",
        lastName: "Otieno",
        emailAddress: "amina@example.com",
        accountReference: "INV-42",
        description: "Invoice 42",
        isAmountSpecified: true,
        amount: 2500,
        currency: "KES",
        redirectionSite: "https://merchant.example.com/thanks",
      },
    }),
  );
  if (!link.id) throw new Error("payment link: no id in " + JSON.stringify(link));
  steps.push("payment link");
  const refused = await sdk
    .unwrap(
      pay.POST("/v1/bill-payments", {
        body: { transactionType: 3, ServiceId: water.serviceId, accountNumber: "0000000" },
      }),
    )
    .then(() => undefined, (error) => error);
  if (
    !sdk.isApiError(refused) ||
    !sdk.isAlmaraPayError(refused) ||
    sdk.isNetworkError(refused) ||
    refused.name !== "ApiError" ||
    !(refused.status >= 400 && refused.status < 500)
  )
    throw new Error("error guards: the refusal was " + String(refused));
  steps.push("error guards");
  return { ok: true, steps };
}
`;

/** The flow as an ES module printing one JSON line, against `SANDBOX_URL`. */
export const esmProgram = `import * as sdk from "almara-pay";
${FLOW}
const result = await flow(sdk, process.env.SANDBOX_URL, {});
console.log(JSON.stringify(result));
`;

/** The same with require(). */
export const cjsProgram = `const sdk = require("almara-pay");
${FLOW}
flow(sdk, process.env.SANDBOX_URL, {}).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
`;

/** The runtime starts the sandbox itself (almara-pay/sandbox), then runs the flow against it. */
export const sandboxProgram = `import * as sdk from "almara-pay";
import { startSandbox } from "almara-pay/sandbox";
${FLOW}
const sandbox = await startSandbox();
try {
  const result = await flow(sdk, sandbox.url, {});
  console.log(JSON.stringify({ ...result, steps: ["sandbox", ...result.steps] }));
} finally {
  await sandbox.close();
}
`;

/** A page's script (bundled with the SDK): the flow against its own origin, result on window. */
export const pageEntry = `import * as sdk from "almara-pay";
${FLOW}
flow(sdk, location.origin, { dangerouslyAllowBrowser: true }).then(
  (result) => (window.__result = result),
  (error) => (window.__result = { ok: false, error: String(error && error.stack || error) }),
);
`;

/** A Worker (bundled with the SDK): the flow against the sandbox named in the query string. */
export const workerEntry = `import * as sdk from "almara-pay";
${FLOW}
export default {
  async fetch(request) {
    const sandbox = new URL(request.url).searchParams.get("sandbox");
    try {
      return Response.json(await flow(sdk, sandbox, {}));
    } catch (error) {
      return Response.json({ ok: false, error: String((error && error.stack) || error) });
    }
  },
};
`;

/** The core bundled with esbuild --minify (classes renamed), imported by path. */
export const minifiedProgram = `import * as sdk from "./minified-core.mjs";
${FLOW}
const result = await flow(sdk, process.env.SANDBOX_URL, {});
console.log(JSON.stringify(result));
`;

/** workerd's configuration: the Worker on a loopback socket, allowed to reach loopback. */
/** The flow with the sandbox in memory: `createSandbox()`'s fetch is the SDK's (no socket). */
export const memoryProgram = `import * as sdk from "almara-pay";
import { createSandbox } from "almara-pay/sandbox";
${FLOW}
const sandbox = createSandbox();
try {
  const result = await flow(sdk, "https://sandbox.almara.test", { fetch: sandbox.fetch });
  console.log(JSON.stringify({ ...result, steps: ["in memory", ...result.steps] }));
} finally {
  await sandbox.close();
}
`;

export function workerdConfig(port: number, file = "worker.js"): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "${file}")],
  compatibilityDate = "2025-01-01",
  globalOutbound = "loopback",
);
`;
}
