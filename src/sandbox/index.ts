/**
 * almara-pay/sandbox: a stateful local simulator of the Almara Pay API, for demos and tests.
 */
export { startSandbox } from "./server.js";
export type {
  CallbackDelivery,
  LoggedRequest,
  RecordedTransaction,
  Sandbox,
  SandboxCredentials,
  SandboxOptions,
} from "./server.js";
export { faultKind } from "./faults.js";
export type { Fault, FaultKind } from "./faults.js";
export { testAccounts } from "./catalogue.js";
export type { TestAccount } from "./catalogue.js";
