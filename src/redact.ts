/**
 * Secrets kept out of everything the SDK hands out: error messages and fields, causes at any
 * depth, error bodies and log lines.
 *
 * Each client owns a redactor. Its client secret is pinned for the client's lifetime, in every
 * form a server could echo (raw, URL- and form-encoded, JSON-escaped, base64 as in a Basic
 * header); only its rotating access tokens are capped. Every live redactor is consulted for every
 * error, wherever it is made (`unwrap` knows no client), and a redactor is dropped from that set
 * once its client is garbage-collected.
 */
const REDACTED = "[REDACTED]";
/** Shorter tokens would scrub ordinary words; real tokens are far longer. */
const MIN_TOKEN_LENGTH = 6;
/** A shorter secret is still pinned, but only in its raw form. */
const MIN_SECRET_LENGTH = 1;
/** Tokens rotate (hourly, typically): only the most recent ones can still turn up in an answer. */
const MAX_TOKENS = 64;
/** Past this many nested causes, the rest of the chain is replaced by a note. */
const MAX_CAUSE_DEPTH = 100;
/** Keys that would reach an object's prototype when a copy is assigned to. */
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The forms a value takes when a server echoes it from a form body, a URL, JSON or a header. */
function formsOf(value: string): string[] {
  const forms = new Set([value]);
  const encoded = encodeURIComponent(value);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  for (const text of [encoded, form]) {
    forms.add(text);
    forms.add(text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  }
  forms.add(JSON.stringify(value).slice(1, -1));
  forms.add(base64(value));
  return [...forms].filter((form) => form.length >= MIN_TOKEN_LENGTH || form === value);
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** What one client must keep secret. */
export class Redactor {
  readonly #pinned = new Set<string>();
  readonly #tokens = new Set<string>();

  /**
   * Pins the client secret for the redactor's lifetime; with the client id, also the Basic
   * header's base64 of `id:secret` (raw and form-encoded, as RFC 6749 §2.3.1 has it).
   */
  pinSecret(secret: string, clientId?: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    for (const form of formsOf(secret)) this.#pinned.add(form);
    if (clientId !== undefined) {
      const formEncode = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);
      this.#pinned.add(base64(`${clientId}:${secret}`));
      this.#pinned.add(base64(`${formEncode(clientId)}:${formEncode(secret)}`));
    }
    live.add(this);
  }

  /** Remembers an access token; the oldest of more than 64 is forgotten. */
  addToken(token: string): void {
    if (token.length < MIN_TOKEN_LENGTH) return;
    for (const form of formsOf(token)) {
      this.#tokens.delete(form);
      this.#tokens.add(form);
    }
    while (this.#tokens.size > MAX_TOKENS * 4)
      this.#tokens.delete(this.#tokens.values().next().value!);
    live.add(this);
  }

  /** Every form this redactor hides, longest first (so a longer form is not cut by a shorter). */
  secrets(): Iterable<string> {
    return [...this.#pinned, ...this.#tokens];
  }
}

/** The live redactors, held weakly: a client that is collected takes its redactor with it. */
const live = (() => {
  const refs = new Set<WeakRef<Redactor> | { deref(): Redactor }>();
  const known = new WeakSet<Redactor>();
  const Ref = typeof WeakRef === "function" ? WeakRef : undefined;
  return {
    add(redactor: Redactor) {
      if (known.has(redactor)) return;
      known.add(redactor);
      refs.add(Ref ? new Ref(redactor) : { deref: () => redactor });
    },
    *secrets(): Generator<string> {
      for (const ref of refs) {
        const redactor = ref.deref();
        if (redactor === undefined) refs.delete(ref);
        else yield* redactor.secrets();
      }
    },
  };
})();

/** The text with every live secret replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  const found: string[] = [];
  for (const secret of live.secrets()) if (text.includes(secret)) found.push(secret);
  if (found.length === 0) return text;
  let out = text;
  for (const secret of found.sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  return out;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of a JSON-like value (a parsed body, log fields) at any depth: strings and keys
 * scrubbed, keys that would reach a prototype (`__proto__`, `constructor`, `prototype`) left out,
 * anything that is not a string, number, boolean, null, array or plain object kept only as its
 * type's name. Iterative, so a hostile nesting depth cannot overflow the stack; cycles are kept.
 */
export function redactValue<T>(value: T): T {
  const copies = new Map<object, unknown>();
  /** A value that is not an object: strings scrubbed, functions and symbols named. */
  const leaf = (v: unknown): unknown =>
    typeof v === "string"
      ? redactText(v)
      : typeof v === "function"
        ? "[Function]"
        : typeof v === "symbol"
          ? "[Symbol]"
          : v;
  if (value === null || typeof value !== "object") return leaf(value) as T;
  const work: Array<[object, Record<string, unknown> | unknown[]]> = [];
  const copyOf = (v: object): unknown => {
    const existing = copies.get(v);
    if (existing !== undefined) return existing;
    if (v instanceof Error) {
      const copy = redactCause(v);
      copies.set(v, copy);
      return copy;
    }
    if (!Array.isArray(v) && !isPlainObject(v)) {
      const name = `[${(v as { constructor?: { name?: unknown } }).constructor?.name ?? "object"}]`;
      copies.set(v, name);
      return name;
    }
    const copy: Record<string, unknown> | unknown[] = Array.isArray(v) ? [] : {};
    copies.set(v, copy);
    work.push([v, copy]);
    return copy;
  };
  const root = copyOf(value);
  while (work.length > 0) {
    const [source, target] = work.pop()!;
    if (Array.isArray(source)) {
      for (const item of source) {
        (target as unknown[]).push(
          item !== null && typeof item === "object" ? copyOf(item) : leaf(item),
        );
      }
      continue;
    }
    for (const key of Object.keys(source)) {
      if (PROTOTYPE_KEYS.has(key)) continue;
      const item = (source as Record<string, unknown>)[key];
      const copied = item !== null && typeof item === "object" ? copyOf(item) : leaf(item);
      Object.defineProperty(target, redactText(key), {
        value: copied,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return root as T;
}

/**
 * An error's own properties as values: `stack` read through its getter (an accessor since
 * V8 12), any other accessor reported as such (we cannot know what it would show).
 */
function ownEntries(error: Error): Array<[string | symbol, { value: unknown } | "accessor"]> {
  const entries: Array<[string | symbol, { value: unknown } | "accessor"]> = [];
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (!descriptor) continue;
    if ("value" in descriptor) entries.push([key, { value: descriptor.value as unknown }]);
    else if (key === "stack") {
      let stack: unknown;
      try {
        stack = error.stack;
      } catch {
        stack = undefined;
      }
      entries.push([key, { value: stack }]);
    } else entries.push([key, "accessor"]);
  }
  return entries;
}

/** Whether anything reachable from an error (message, stack, fields, causes) may hold a secret. */
function errorHoldsSecret(error: Error, seen: Set<object>, depth: number): boolean {
  if (seen.has(error)) return false;
  seen.add(error);
  if (depth > MAX_CAUSE_DEPTH) return true;
  for (const [, entry] of ownEntries(error)) {
    if (entry === "accessor") return true;
    const v = entry.value;
    if (typeof v === "string") {
      if (redactText(v) !== v) return true;
    } else if (v instanceof Error) {
      if (errorHoldsSecret(v, seen, depth + 1)) return true;
    } else if (v !== null && typeof v === "object") {
      return true; // copied either way: a value we cannot see into may hold anything
    }
  }
  return false;
}

/**
 * The error itself when nothing reachable from it holds a secret, else a copy with the same
 * prototype, name and code, every string scrubbed and every cause (at any depth) copied the same
 * way; accessors are left out. Anything that is not an error is scrubbed as a value.
 */
export function redactCause(cause: unknown, depth = 0): unknown {
  if (!(cause instanceof Error)) return redactValue(cause);
  if (!errorHoldsSecret(cause, new Set(), depth)) return cause;
  if (depth >= MAX_CAUSE_DEPTH) return new Error("[further causes omitted]");
  const copy = Object.create(Object.getPrototypeOf(cause) as object) as Error;
  for (const [key, entry] of ownEntries(cause)) {
    if (entry === "accessor") continue;
    if (typeof key === "string" && PROTOTYPE_KEYS.has(key)) continue;
    const v = entry.value;
    const scrubbed =
      v instanceof Error
        ? redactCause(v, depth + 1)
        : typeof v === "string"
          ? redactText(v)
          : typeof v === "symbol" || typeof v === "function"
            ? undefined
            : redactValue(v);
    Object.defineProperty(copy, key, {
      value: scrubbed,
      writable: true,
      configurable: true,
      enumerable: Object.prototype.propertyIsEnumerable.call(cause, key),
    });
  }
  return copy;
}

/** Scrubs an error's own fields in place (called by each error class once its fields are set). */
export function redactFields(error: object): void {
  for (const key of Object.keys(error)) {
    const v = (error as Record<string, unknown>)[key];
    if (v === null || (typeof v !== "object" && typeof v !== "string")) continue;
    (error as Record<string, unknown>)[key] =
      typeof v === "string" ? redactText(v) : redactValue(v);
  }
}
