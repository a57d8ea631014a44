/**
 * The servers the benchmark talks to, each in its own process so that their work does not share
 * the benchmark's event loop: the sandbox (through its bin) and a bare node:http baseline.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

async function start(script: string, args: string[]): Promise<ServerProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

export const startSandboxProcess = () =>
  start("../src/sandbox/bin.ts", ["--port", "0", "--token-lifetime", "3600"]);

export const startBareServer = () => start("./bare-server.ts", []);
