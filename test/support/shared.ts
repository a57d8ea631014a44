/** The API material beside the project (../shared/api and ../shared/seeds). */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const sharedDir = fileURLToPath(new URL("../../../shared/", import.meta.url));

if (!existsSync(sharedDir)) {
  throw new Error(
    `The contract tests read the API samples in ${sharedDir}; it is missing. ` +
      "Clone the project beside its shared/ folder.",
  );
}
