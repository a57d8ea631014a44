/**
 * almara-pay/sandbox: a stateful local simulator of the Almara Pay API, for demos and tests: as a
 * fetch handler (`createSandbox`), or on a node:http server on 127.0.0.1 (`startSandbox`). Where
 * there is no node:http, the `browser`, `worker` and `workerd` conditions pick fetch-only.ts.
 */
export * from "./fetch-only.js";
export { startSandbox } from "./server.js";
