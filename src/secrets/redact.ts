/**
 * Secrets kept out of everything the SDK hands out: error messages and fields, causes at any
 * depth, error bodies and log lines.
 *
 * Each client owns a redactor. Its client secret is pinned for the client's lifetime, in every
 * form a server could echo (raw, URL-encoded loosely and strictly, form-encoded, JSON-escaped,
 * base64 as in a Basic header); its access tokens are kept until they have expired. Every live
 * redactor is consulted for every error, wherever it is made (`unwrap` knows no client), and a
 * redactor is dropped from that set once its client is garbage-collected.
 */
const REDACTED = "[REDACTED]";
/** A token is still hidden this long after it expired: a late answer may echo it. */
const EXPIRED_TOKEN_GRACE_MS = 10 * 60 * 1000;
/** A bound on memory if an endpoint hands out tokens in a storm; far above any real rotation. */
const MAX_TOKENS = 1024;
/** Past this many nested causes, the rest of the chain is replaced by a note. */
const MAX_CAUSE_DEPTH = 100;
/** Past this depth a copied body holds a note instead: no error body nests that deep. */
const MAX_BODY_DEPTH = 64;
/** Where an SDK error keeps its kind (errors/base.ts). */
const ERROR_KIND = Symbol.for("almara-pay.error.kind");
/** Keys that would reach an object's prototype when a copy is assigned to. */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Each encoding, or nothing when the value cannot take it (a lone surrogate). */
function attempt(encode: () => string): string[] {
  try {
    return [encode()];
  } catch {
    return [];
  }
}

const formEncode = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);
/** RFC 3986 strict percent-encoding (.NET `Uri.EscapeDataString`, Python `quote(safe="")`). */
const strictEncode = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** The forms a value takes when a server echoes it from a form body, a URL, JSON or a header. */
function formsOf(value: string): string[] {
  const forms = new Set([value]);
  for (const encoded of [
    ...attempt(() => encodeURIComponent(value)),
    ...attempt(() => strictEncode(value)),
    ...attempt(() => formEncode(value)),
  ]) {
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  }
  forms.add(JSON.stringify(value).slice(1, -1));
  for (const encoded of attempt(() => base64(value))) forms.add(encoded);
  forms.delete("");
  return [...forms];
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** What one client must keep secret. */
export class Redactor {
  readonly #pinned = new Set<string>();
  /** Token → its forms and the time after which it may be forgotten. */
  readonly #tokens = new Map<string, { forms: string[]; forgetAt: number }>();

  /**
   * Pins the client secret for the redactor's lifetime; with the client id, also the Basic
   * header's base64 of `id:secret` (raw and form-encoded, as RFC 6749 §2.3.1 has it).
   */
  pinSecret(secret: string, clientId?: string): void {
    for (const form of formsOf(secret)) this.#pinned.add(form);
    if (clientId !== undefined) {
      for (const pair of [
        `${clientId}:${secret}`,
        ...attempt(() => `${formEncode(clientId)}:${formEncode(secret)}`),
      ]) {
        for (const encoded of attempt(() => base64(pair))) this.#pinned.add(encoded);
      }
    }
    live.add(this);
  }

  /** Remembers an access token until some minutes after `expiresAt` (epoch ms). */
  addToken(token: string, expiresAt = Date.now() + 3_600_000): void {
    if (token === "") return;
    const forgetAt =
      (Number.isFinite(expiresAt) ? expiresAt : Date.now() + 3_600_000) + EXPIRED_TOKEN_GRACE_MS;
    const known = this.#tokens.get(token);
    this.#tokens.delete(token);
    this.#tokens.set(token, {
      forms: known?.forms ?? formsOf(token),
      forgetAt: Math.max(forgetAt, known?.forgetAt ?? 0),
    });
    this.#forgetExpired();
    while (this.#tokens.size > MAX_TOKENS) this.#tokens.delete(this.#tokens.keys().next().value!);
    live.changed();
  }

  #forgetExpired(): void {
    const now = Date.now();
    for (const [token, { forgetAt }] of this.#tokens)
      if (forgetAt < now) this.#tokens.delete(token);
  }

  /** Every form this redactor hides. */
  secrets(): string[] {
    this.#forgetExpired();
    const out = [...this.#pinned];
    for (const { forms } of this.#tokens.values()) out.push(...forms);
    return out;
  }
}

/**
 * The live redactors, held weakly: a client that is collected takes its redactor with it. Their
 * secrets are gathered into one list, sorted by length, rebuilt when a token is added or after a
 * minute (tokens expire).
 */
const live = (() => {
  const refs = new Set<WeakRef<Redactor> | { deref(): Redactor }>();
  const known = new WeakSet<Redactor>();
  const Ref = typeof WeakRef === "function" ? WeakRef : undefined;
  let snapshot: { secrets: string[]; builtAt: number } | undefined;
  return {
    add(redactor: Redactor) {
      snapshot = undefined;
      if (known.has(redactor)) return;
      known.add(redactor);
      refs.add(Ref ? new Ref(redactor) : { deref: () => redactor });
    },
    changed() {
      snapshot = undefined;
    },
    secrets(): readonly string[] {
      const now = Date.now();
      if (snapshot && now - snapshot.builtAt < 60_000) return snapshot.secrets;
      const all = new Set<string>();
      for (const ref of refs) {
        const redactor = ref.deref();
        if (redactor === undefined) refs.delete(ref);
        else for (const secret of redactor.secrets()) all.add(secret);
      }
      snapshot = { secrets: [...all].sort((a, b) => a.length - b.length), builtAt: now };
      return snapshot.secrets;
    },
  };
})();

/** The text with every given secret replaced by `[REDACTED]`, longest first. */
function scrub(text: string, secrets: readonly string[]): string {
  // Secrets are sorted by length: only those no longer than the text can be in it.
  let end = secrets.length;
  while (end > 0 && secrets[end - 1]!.length > text.length) end--;
  let out = text;
  for (let i = end - 1; i >= 0; i--) {
    const secret = secrets[i]!;
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** The text with every live secret replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  return scrub(text, live.secrets());
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Whether a value is an Error; a Proxy whose traps throw is not one we can read. */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/**
 * A copy of a JSON-like value (a parsed body, log fields, an error's fields): strings and keys
 * scrubbed, keys that would reach a prototype (`__proto__`, `constructor`, `prototype`) left out,
 * errors copied as causes are, anything else that is not a string, number, boolean, null, array
 * or plain object kept only as its type's name, and what lies deeper than 64 levels replaced by a
 * note. Iterative, so a hostile nesting cannot overflow the stack; shared parts and cycles kept.
 */
export function redactValue<T>(value: T, secrets: readonly string[] = live.secrets()): T {
  try {
    return copyValue(value, secrets) as T;
  } catch {
    return "[a value that could not be read]" as T;
  }
}

/** One copy in progress: what was copied already (shared parts and cycles stay so). */
interface Copying {
  secrets: readonly string[];
  copies: Map<object, unknown>;
}

function copyValue(
  value: unknown,
  secrets: readonly string[],
  causeDepth = 0,
  copies = new Map<object, unknown>(),
): unknown {
  const ctx: Copying = { secrets, copies };
  const leaf = (v: unknown): unknown =>
    typeof v === "string"
      ? scrub(v, secrets)
      : typeof v === "function"
        ? "[Function]"
        : typeof v === "symbol"
          ? "[Symbol]"
          : v;
  if (value === null || typeof value !== "object") return leaf(value);
  const work: Array<[object, Record<string, unknown> | unknown[], number]> = [];
  const copyOf = (v: object, depth: number): unknown => {
    const existing = copies.get(v);
    if (existing !== undefined) return existing;
    let copy: unknown;
    if (depth > MAX_BODY_DEPTH) copy = "[nested too deep]";
    else if (isError(v)) copy = copyError(v, ctx, causeDepth + 1);
    else if (!Array.isArray(v) && !isPlainObject(v)) {
      copy = `[${typeName(v)}]`;
    } else {
      const target: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
      work.push([v, target, depth]);
      copy = target;
    }
    copies.set(v, copy);
    return copy;
  };
  const child = (item: unknown, depth: number) =>
    item !== null && typeof item === "object" ? copyOf(item, depth + 1) : leaf(item);
  const root = copyOf(value, 0);
  while (work.length > 0) {
    const [source, target, depth] = work.pop()!;
    if (Array.isArray(source)) {
      for (const item of source) (target as unknown[]).push(child(item, depth));
      continue;
    }
    for (const key of Object.keys(source)) {
      if (PROTOTYPE_KEYS.has(key)) continue;
      Object.defineProperty(target, scrub(key, secrets), {
        value: child((source as Record<string, unknown>)[key], depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return root;
}

function typeName(value: object): string {
  try {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
      ?.constructor?.name;
    return typeof name === "string" && /^[\w$]{1,40}$/.test(name) ? name : "object";
  } catch {
    return "object";
  }
}

/** The nearest class prototype in an error's chain (an instance used as a prototype is skipped). */
function errorPrototype(error: Error): object {
  try {
    for (let p = Object.getPrototypeOf(error) as object | null; p; p = Object.getPrototypeOf(p)) {
      const ctor = Object.getOwnPropertyDescriptor(p, "constructor")?.value as
        { prototype?: unknown } | undefined;
      if (typeof ctor === "function" && ctor.prototype === p) return p;
    }
  } catch {
    // a Proxy whose traps throw: a plain Error it is
  }
  return Error.prototype;
}

/** A property read that cannot throw. */
function read(from: object, key: PropertyKey): unknown {
  try {
    return (from as Record<PropertyKey, unknown>)[key as string];
  } catch {
    return undefined;
  }
}

/**
 * A copy of an error that holds no secret: the prototype of its class, `name`, `message` and
 * `stack` read as anyone would read them (inherited ones included) and scrubbed, its own data
 * fields copied as values, its `cause` copied the same way (to any depth), and nothing else:
 * no accessors, no symbol keys (no `util.inspect.custom`), no functions.
 */
function copyError(error: Error, ctx: Copying, depth: number): Error {
  const known = ctx.copies.get(error);
  if (known !== undefined) return known as Error;
  if (depth >= MAX_CAUSE_DEPTH) return new Error("[further causes omitted]");
  const { secrets } = ctx;
  const copy = Object.create(errorPrototype(error)) as Error;
  ctx.copies.set(error, copy);
  const define = (key: string, value: unknown, enumerable: boolean) =>
    Object.defineProperty(copy, key, { value, enumerable, writable: true, configurable: true });
  for (const key of ["name", "message", "stack"]) {
    const value = read(error, key);
    if (typeof value === "string") define(key, scrub(value, secrets), false);
  }
  // An SDK error keeps its kind (a literal), so that its guard still knows it.
  const kind = read(error, ERROR_KIND);
  if (typeof kind === "string" && /^[A-Za-z]{1,40}$/.test(kind)) {
    Object.defineProperty(copy, ERROR_KIND, { value: kind });
  }
  let keys: string[] = [];
  try {
    keys = Object.getOwnPropertyNames(error);
  } catch {
    keys = [];
  }
  for (const key of keys) {
    if (key === "name" || key === "message" || key === "stack" || PROTOTYPE_KEYS.has(key)) continue;
    let descriptor: PropertyDescriptor | undefined;
    try {
      descriptor = Object.getOwnPropertyDescriptor(error, key);
    } catch {
      continue;
    }
    if (!descriptor || !("value" in descriptor)) continue;
    const v: unknown = descriptor.value;
    if (typeof v === "function" || typeof v === "symbol") continue;
    let value: unknown;
    try {
      value = isError(v) ? copyError(v, ctx, depth + 1) : copyValue(v, secrets, depth, ctx.copies);
    } catch {
      value = "[a value that could not be read]";
    }
    define(scrub(key, secrets), value, descriptor.enumerable === true);
  }
  return copy;
}

/**
 * A cause as an SDK error may keep it: an error is always copied (see `copyError`), so that no
 * Proxy, getter, inherited message or custom inspector can show a secret later; anything else is
 * copied as a value.
 */
export function redactCause(cause: unknown): unknown {
  const secrets = live.secrets();
  try {
    return isError(cause)
      ? copyError(cause, { secrets, copies: new Map() }, 0)
      : redactValue(cause, secrets);
  } catch {
    return new Error("[a cause that could not be read]");
  }
}

/** Scrubs an error's own fields in place (called by each error class once its fields are set). */
export function redactFields(error: object): void {
  const secrets = live.secrets();
  for (const key of Object.keys(error)) {
    const v = (error as Record<string, unknown>)[key];
    if (v === null || (typeof v !== "object" && typeof v !== "string")) continue;
    (error as Record<string, unknown>)[key] =
      typeof v === "string" ? scrub(v, secrets) : redactValue(v, secrets);
  }
}

/** Whether any string or key in a JSON-like value holds a live secret (walked without recursion). */
export function holdsSecret(value: unknown): boolean {
  const secrets = live.secrets();
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (scrub(v, secrets) !== v) return true;
    } else if (v !== null && typeof v === "object" && !seen.has(v)) {
      seen.add(v);
      if (Array.isArray(v)) stack.push(...(v as unknown[]));
      else
        for (const [key, item] of Object.entries(v)) {
          if (scrub(key, secrets) !== key) return true;
          stack.push(item);
        }
    }
  }
  return false;
}
