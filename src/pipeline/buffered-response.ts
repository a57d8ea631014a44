/**
 * A Response whose body was already read into memory (the transport reads every answer within
 * its timeout). It behaves as a Response — `text()`, `json()`, `arrayBuffer()`, `bytes()`,
 * `blob()`, `body`, `bodyUsed`, `clone()` — but serves them from the bytes, building a stream
 * only if `body` is asked for: wrapping the bytes in a new stream and reading them back doubled
 * the SDK's per-call cost. The methods live on one shared prototype; each answer only carries
 * its state.
 */
import { INFO, type RequestInfo } from "./request-info.js";

const utf8 = new TextDecoder();

/** What the transport already made of the bytes, so that they are not decoded or parsed twice. */
export interface Decoded {
  text: string;
  json?: unknown;
}

interface State {
  bytes: Uint8Array;
  used: boolean;
  text: string | undefined;
  parsed: { value: unknown } | undefined;
  stream: ReadableStream<Uint8Array> | null | undefined;
  /** Names the request it answered (see `tagResponse`; callers cache what it returns). */
  describe: (() => RequestInfo) | undefined;
}

const STATE = Symbol("almara-pay.buffered");
type Buffered = Response & { [STATE]: State };

function take(response: Buffered): State {
  const state = response[STATE];
  if (state.used || state.stream?.locked) {
    throw new TypeError("Body is unusable: Body has already been read");
  }
  state.used = true;
  return state;
}

function textOf(state: State): string {
  return (state.text ??= utf8.decode(state.bytes));
}

async function arrayBuffer(this: Buffered): Promise<ArrayBuffer> {
  return take(this).bytes.slice().buffer as ArrayBuffer;
}

const prototype = Object.create(Response.prototype, {
  [INFO]: {
    get(this: Buffered) {
      return this[STATE].describe?.();
    },
  },
  body: {
    get(this: Buffered) {
      const state = this[STATE];
      return (state.stream ??=
        state.bytes.byteLength === 0 ? null : new Response(state.bytes).body);
    },
  },
  bodyUsed: {
    get(this: Buffered) {
      const state = this[STATE];
      return state.used || (state.stream?.locked ?? false);
    },
  },
  text: {
    async value(this: Buffered) {
      return textOf(take(this));
    },
  },
  json: {
    async value(this: Buffered) {
      const state = take(this);
      return state.parsed ? state.parsed.value : (JSON.parse(textOf(state)) as unknown);
    },
  },
  arrayBuffer: { value: arrayBuffer },
  bytes: {
    async value(this: Buffered) {
      return new Uint8Array(await arrayBuffer.call(this));
    },
  },
  blob: {
    async value(this: Buffered) {
      const type = this.headers.get("content-type") ?? "";
      return new Blob([await arrayBuffer.call(this)], { type });
    },
  },
  clone: {
    value(this: Buffered) {
      const state = this[STATE];
      if (state.used || state.stream?.locked) {
        throw new TypeError("Response.clone: Body has already been consumed.");
      }
      // A clone parses its own copy: two readers must not share one object.
      return bufferedResponse(
        state.bytes,
        this,
        state.text === undefined ? undefined : { text: state.text },
        state.describe,
      );
    },
  },
}) as object;

/** A served answer's state: its bytes, and what is already known of them. */
function stateOf(bytes: Uint8Array, known?: Decoded, describe?: () => RequestInfo): State {
  return {
    bytes,
    used: false,
    text: known?.text,
    parsed: known && "json" in known ? { value: known.json } : undefined,
    stream: undefined,
    describe,
  };
}

export function bufferedResponse(
  bytes: Uint8Array,
  init: ResponseInit,
  known?: Decoded,
  describe?: () => RequestInfo,
): Response {
  const response = new Response(null, init) as Buffered;
  // The body is whole now: say how long it really is, whatever the server declared (openapi-fetch
  // reads a declared 0 as "no body", and then takes the parse made above for the rest).
  response.headers.delete("transfer-encoding");
  response.headers.delete("content-encoding");
  response.headers.set("content-length", String(bytes.byteLength));
  Object.setPrototypeOf(response, prototype);
  response[STATE] = stateOf(bytes, known, describe);
  return response;
}

/**
 * The fetch's own Response, its body already read into `bytes`, made to serve them: no new
 * Response, no copy of its headers. Undefined when the object cannot take it (a Proxy, a frozen
 * object): then a new buffered Response stands in.
 */
export function adoptResponse(
  answer: Response,
  bytes: Uint8Array,
  known?: Decoded,
  describe?: () => RequestInfo,
): Response | undefined {
  // Only a Response of this realm's fetch (or a subclass): another implementation's (an undici
  // from npm) keeps its state where these getters cannot read it.
  if (!(answer instanceof Response)) return undefined;
  try {
    if (!Reflect.setPrototypeOf(answer, prototype)) return undefined;
    (answer as Buffered)[STATE] = stateOf(bytes, known, describe);
    // The length of what is served, where the headers can take it (a fetch's own are immutable):
    // openapi-fetch parses an answer of unknown length a second time.
    if (!answer.headers.has("content-length")) {
      try {
        answer.headers.set("content-length", String(bytes.byteLength));
      } catch {
        // immutable: openapi-fetch reads it as text
      }
    }
    return answer;
  } catch {
    return undefined;
  }
}
