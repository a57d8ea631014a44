#!/usr/bin/env node
/**
 * almara-pay-sandbox: runs the local Almara Pay simulator until interrupted.
 *
 *   almara-pay-sandbox [--port 4010] [--token-lifetime 3600] [--settle-delay 1000]
 */
import { parseArgs } from "node:util";
import { startSandbox } from "./server.js";

function positiveInteger(
  name: string,
  text: string | undefined,
  fallback: number,
  allowZero = false,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    console.error(
      `almara-pay-sandbox: --${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${text}`,
    );
    process.exit(2);
  }
  return value;
}

const USAGE =
  "Usage: almara-pay-sandbox [--port 4010] [--token-lifetime 3600] [--settle-delay 1000]";

function parseOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        "token-lifetime": { type: "string" },
        "settle-delay": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    console.error(`almara-pay-sandbox: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseOptions();
if (values.help) {
  console.log(
    "Usage: almara-pay-sandbox [--port 4010] [--token-lifetime 3600] [--settle-delay 1000]",
  );
  process.exit(0);
}

const sandbox = await startSandbox({
  port: positiveInteger("port", values.port, 4010, true),
  tokenLifetimeSeconds: positiveInteger("token-lifetime", values["token-lifetime"], 3600),
  settleDelayMs: positiveInteger("settle-delay", values["settle-delay"], 1000, true),
});
const { clientId, clientSecret, scope } = sandbox.credentials;
console.log(`Almara Pay sandbox listening on ${sandbox.url}`);
console.log("Connect with:");
console.log(
  `  createAlmaraPay({ baseUrl: "${sandbox.url}", clientId: "${clientId}", clientSecret: "${clientSecret}", scope: "${scope}" })`,
);
console.log("Press Ctrl+C to stop.");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
