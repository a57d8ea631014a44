// The sandbox served by Bun, with no node:http: `bun bun.mjs`.
import { createSandbox } from "almara-pay/sandbox";

const sandbox = createSandbox();
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 4010),
  fetch: sandbox.fetch,
});
console.log(`sandbox on http://${server.hostname}:${server.port}`);
