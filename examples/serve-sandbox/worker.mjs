// The sandbox as a Worker (Cloudflare workerd): bundle with your Worker tooling, which picks the
// build of almara-pay/sandbox without node:http (the `workerd` and `worker` conditions).
import { createSandbox } from "almara-pay/sandbox";

const sandbox = createSandbox();

export default { fetch: sandbox.fetch };
