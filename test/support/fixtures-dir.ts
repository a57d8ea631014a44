/**
 * The public API material the contract tests check the spec against, kept in the repository
 * (test/contract/fixtures/, each file with the public page it comes from).
 */
import { fileURLToPath } from "node:url";

export const fixturesDir = fileURLToPath(new URL("../contract/fixtures/", import.meta.url));
