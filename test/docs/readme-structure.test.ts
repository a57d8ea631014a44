/**
 * The README is for users: it opens with install and a first call, names the Node.js floor once
 * (the one `engines` declares), lists the runtimes the matrix runs, and keeps the two commands of
 * a clone, which `.ci/run` runs word for word. The CHANGELOG has a released version.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const readme = read("README.md");
const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);

describe("the README", () => {
  it("opens with install and a first call", () => {
    expect(headings.slice(0, 2)).toEqual(["Install", "First call"]);
    expect(readme.split("## First call")[0]).toContain("npm install almara-pay");
  });

  it("covers errors, money safety, callbacks, the sandbox, runtimes and security, in that order", () => {
    const order = [
      "Errors",
      "Money safety",
      "Callbacks",
      "The sandbox",
      "Runtimes",
      "Security",
    ].map((name) => headings.findIndex((h) => h!.startsWith(name)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("names every error class the SDK exports", async () => {
    const sdk = await import("../../src/index.js");
    const classes = Object.keys(sdk).filter((name) => /^[A-Z]\w*Error$/.test(name));
    expect(classes.length).toBeGreaterThanOrEqual(10);
    for (const name of classes) expect(readme, name).toContain(`\`${name}\``);
  });

  it("states the Node.js floor once, and it is the one engines declares", () => {
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines;
    const floor = engines.node.replace(/^>=\s*/, "").replace(/\.0$/, "");
    expect(floor).toBe("20.3");
    expect(readme.match(/floor is \*\*([\d.]+)\*\*/)?.[1]).toBe(floor);
    expect(readme).not.toMatch(/Node(\.js)? 20\.\d+ or later/);
  });

  it("lists the runtimes the matrix runs", () => {
    const table = readme.split("## Runtimes")[1]!.split("\n## ")[0]!;
    for (const runtime of ["Node.js", "Deno", "Bun", "Chromium", "workerd", "esbuild --minify"])
      expect(table).toContain(runtime);
    for (const major of ["20.3.0", "22.", "24.", "26."]) expect(table).toContain(`| ${major}`);
  });

  it("keeps the two commands of a clone, which .ci/run runs word for word", () => {
    const block = readme.split("## From a clone")[1]!.match(/```sh\n([\s\S]*?)```/)![1]!;
    const commands = block
      .split("\n")
      .filter(Boolean)
      .map((line) => line.replace(/\s+#.*$/, "").trim());
    expect(commands).toEqual(["npm ci && npm run demo", "npm ci && npm test"]);
    const ci = read(".ci/run")
      .split("\n")
      .filter((line) => line && !line.startsWith("#") && !/^(set|cd) /.test(line));
    expect(ci).toEqual(commands);
  });
});

describe("the CHANGELOG", () => {
  it("has a released version, the package's", () => {
    const version = (JSON.parse(read("package.json")) as { version: string }).version;
    expect(read("CHANGELOG.md")).toMatch(
      new RegExp(`^## \\[${version.replace(/\./g, "\\.")}\\] - \\d{4}-\\d{2}-\\d{2}$`, "m"),
    );
  });
});
