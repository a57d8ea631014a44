/**
 * almara-pay/sandbox/msw: the sandbox behind Mock Service Worker (`msw` 2, an optional peer), for
 * tests that already mock the network with it, in Node.js or in a browser:
 *
 *   const sandbox = createSandbox();
 *   setupServer(sandboxHandler(sandbox, "https://sandbox.almara.test")).listen();
 */
import { HttpResponse, http, type HttpHandler } from "msw";
import type { SandboxHandler } from "./types.js";

/** One handler answering every request under `baseUrl` with `sandbox.fetch`. */
export function sandboxHandler(
  sandbox: Pick<SandboxHandler, "fetch">,
  baseUrl: string,
): HttpHandler {
  const base = new URL(baseUrl);
  const prefix = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
  return http.all(`${prefix}/*`, async ({ request }) => {
    try {
      return await sandbox.fetch(request);
    } catch {
      // A dropped connection (a `reset` fault): a network error, as MSW spells one.
      return HttpResponse.error();
    }
  });
}
