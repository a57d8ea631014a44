/** Debian's Chromium for the browser tests, installed when missing (see debian.ts). */
import { ensureDebianPackage } from "./debian.js";

/** The Chromium binary (`CHROMIUM_PATH` overrides Debian's `/usr/bin/chromium`). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags for a headless Chromium on a machine with no network beyond loopback. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function ensureChromium(): Promise<string> {
  return ensureDebianPackage(
    chromiumPath,
    "chromium",
    "The docs browser test needs Chromium: run `apt-get install -y chromium` " +
      "(or set CHROMIUM_PATH) and run the tests again.",
  );
}
