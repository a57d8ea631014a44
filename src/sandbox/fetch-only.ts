/**
 * almara-pay/sandbox where there is no node:http (browsers, Workers: the `browser`, `worker` and
 * `workerd` export conditions): the fetch handler and everything else but `startSandbox`.
 */
export { createSandbox } from "./sandbox.js";
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
import type { Sandbox, SandboxOptions } from "./types.js";

/** Not here: serving over node:http needs Node.js, Deno or Bun. Use `createSandbox`. */
export function startSandbox(_options?: SandboxOptions): Promise<Sandbox> {
  return Promise.reject(
    new Error(
      "almara-pay/sandbox: startSandbox needs node:http (Node.js, Deno or Bun); here, use createSandbox() and its fetch",
    ),
  );
}
