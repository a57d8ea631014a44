// The sandbox served by Deno, with no node:http: `deno run --allow-net --allow-env deno.mjs`.
import { createSandbox } from "almara-pay/sandbox";

const sandbox = createSandbox();
const port = Number(Deno.env.get("PORT") ?? 4010);
Deno.serve(
  {
    hostname: "127.0.0.1",
    port,
    onListen: ({ hostname, port }) => console.log(`sandbox on http://${hostname}:${port}`),
  },
  sandbox.fetch,
);
