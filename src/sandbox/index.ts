/**
 * almara-pay/sandbox: a stateful local simulator of the Almara Pay API, for demos and tests: as a
 * fetch handler (`createSandbox`), or on a node:http server on 127.0.0.1 (`startSandbox`).
 */
export { createSandbox } from "./sandbox.js";
export { startSandbox } from "./server.js";
export type {
  CallbackDelivery,
  LoggedRequest,
  RecordedTransaction,
  Sandbox,
  SandboxControls,
  SandboxCredentials,
  SandboxHandler,
  SandboxOptions,
} from "./types.js";
export { faultKind } from "./faults.js";
export type { Fault, FaultKind } from "./faults.js";
export { testAccounts } from "./catalogue.js";
export type { TestAccount } from "./catalogue.js";
