/**
 * `startSandbox`: the sandbox's fetch handler behind a node:http server on 127.0.0.1. Each
 * request becomes a `Request` (a target that is not a URL is answered 400 here), each answer is
 * written back as it streams (a client that stops reading stops it), a `reset` fault drops the
 * connection, and an answer given before the request's body was read (413) closes it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { problem } from "./answers.js";
import { RESET, createSandboxCore, toResponse } from "./sandbox.js";
import type { Sandbox, SandboxOptions } from "./types.js";

export type {
  CallbackDelivery,
  LoggedRequest,
  RecordedTransaction,
  Sandbox,
  SandboxCredentials,
  SandboxHandler,
  SandboxOptions,
} from "./types.js";

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const core = createSandboxCore(options);
  let origin = "http://127.0.0.1";

  async function serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    let request: Request;
    try {
      request = toRequest(incoming, origin);
    } catch {
      await write(incoming, outgoing, toResponse(problem(400, "Bad Request")));
      return;
    }
    const outcome = await core.respond(request);
    if (outcome === RESET) {
      incoming.socket.destroy();
      return;
    }
    await write(incoming, outgoing, outcome);
  }

  const server = createServer((incoming, outgoing) => {
    serve(incoming, outgoing).catch((error: unknown) => {
      (options.onError ?? console.error)(error);
      if (!outgoing.headersSent) {
        void write(incoming, outgoing, toResponse(problem(500, "An error occurred")));
      } else outgoing.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  const { respond: _respond, fetch: _fetch, ...controls } = core;
  return {
    ...controls,
    url: origin,
    async close() {
      // The handler first (held requests end, handlers finish), then the connections.
      await core.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The incoming request as a `Request` (its body streamed, not buffered here). */
function toRequest(incoming: IncomingMessage, origin: string): Request {
  const url = new URL(incoming.url ?? "/", origin);
  if (url.origin !== origin) throw new TypeError("not a path on this server");
  const headers = new Headers();
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
  }
  const method = incoming.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, {
    method,
    headers,
    ...(hasBody
      ? { body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>, duplex: "half" }
      : {}),
  } as RequestInit);
}

/** Writes an answer as it streams; the connection closes when the request was not read whole. */
async function write(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  response: Response,
): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const unread = !incoming.complete;
  if (unread) headers.connection = "close";
  outgoing.writeHead(response.status, headers);
  const reader = response.body?.getReader();
  try {
    while (reader && !outgoing.destroyed) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!outgoing.write(value)) await drainedOrClosed(outgoing);
    }
  } finally {
    if (outgoing.destroyed) void reader?.cancel().catch(() => undefined);
  }
  if (outgoing.destroyed) return;
  outgoing.end();
  // A body left unread (an answer given before it was read, a 413) is not read later: the
  // connection is closed once the answer is out.
  const { socket } = incoming;
  if (unread) outgoing.once("finish", () => socket?.destroySoon());
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}
