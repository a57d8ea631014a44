/**
 * A Response whose body was already read into memory (the transport reads every answer within
 * its timeout). It behaves as a Response — `text()`, `json()`, `arrayBuffer()`, `blob()`, `body`,
 * `bodyUsed`, `clone()` — but serves them from the bytes, building a stream only if `body` is
 * asked for: wrapping the bytes in a new stream and reading them back doubled the SDK's per-call
 * cost.
 */
const utf8 = new TextDecoder();

/** What the transport already made of the bytes, so that they are not decoded or parsed twice. */
export interface Decoded {
  text: string;
  json?: unknown;
}

export function bufferedResponse(bytes: Uint8Array, init: ResponseInit, known?: Decoded): Response {
  const response = new Response(null, init);
  let used = false;
  let decoded = known?.text;
  let parsed = known && "json" in known ? { value: known.json } : undefined;
  let stream: ReadableStream<Uint8Array> | null | undefined;

  const isUsed = () => used || (stream?.locked ?? false);
  const take = (): Uint8Array => {
    if (isUsed()) throw new TypeError("Body is unusable: Body has already been read");
    used = true;
    return bytes;
  };
  const arrayBuffer = async () => take().slice().buffer as ArrayBuffer;

  Object.defineProperties(response, {
    body: {
      get: () => (stream ??= bytes.byteLength === 0 ? null : new Response(bytes).body),
    },
    bodyUsed: { get: isUsed },
    text: {
      value: async () => {
        take();
        return (decoded ??= utf8.decode(bytes));
      },
    },
    json: {
      value: async () => {
        take();
        return parsed ? parsed.value : (JSON.parse((decoded ??= utf8.decode(bytes))) as unknown);
      },
    },
    arrayBuffer: { value: arrayBuffer },
    bytes: { value: async () => new Uint8Array(await arrayBuffer()) },
    blob: {
      value: async () =>
        new Blob([await arrayBuffer()], { type: response.headers.get("content-type") ?? "" }),
    },
    clone: {
      value: () => {
        if (isUsed()) throw new TypeError("Response.clone: Body has already been consumed.");
        // A clone parses its own copy: two readers must not share one object.
        return bufferedResponse(
          bytes,
          response,
          decoded === undefined ? undefined : { text: decoded },
        );
      },
    },
  });
  return response;
}
