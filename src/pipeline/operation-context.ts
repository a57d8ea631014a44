/**
 * What the SDK knows of the operation a Request belongs to (from the generated operation table):
 * whether it moves money, the `originatorConversationId` it carries, how its answer is read, and
 * whether this send repeats an earlier one of the same call.
 */
import { operationMeta } from "../generated/operations.js";
import { pathOf } from "./path-of.js";

export interface OperationContext {
  operationId: string;
  /** The request moves money (`x-almara-money-moving` matched its body). */
  moneyMoving: boolean;
  originatorConversationId?: string;
  /**
   * A 2xx answer must be a JSON object or array: the spec promises one, and the call reads it as
   * JSON (or moves money, where an unreadable answer leaves the outcome unknown).
   */
  expectJson: boolean;
  /** This send repeats one the SDK already made for the same call (the 401 replay). */
  resend?: boolean;
  /**
   * The Request openapi-fetch first built for the call, whose signal follows the caller's. Held
   * here because a Request built from another follows the other's signal only while that Request
   * lives (its abort controller goes with it): once openapi-fetch lets go of its first Request, a
   * caller's abort would no longer reach the one the SDK sends.
   */
  first?: Request;
}

const contexts = new WeakMap<Request, OperationContext>();

export function setOperationContext(request: Request, context: OperationContext): void {
  contexts.set(request, context);
}

export function operationContextOf(request: Request): OperationContext | undefined {
  return contexts.get(request);
}

/** The values a body gives a field, in every casing it uses (the API binds without regard to case). */
export function fieldValues(body: Record<string, unknown>, field: string): unknown[] {
  const wanted = field.toLowerCase();
  return Object.keys(body)
    .filter((key) => key.toLowerCase() === wanted)
    .map((key) => body[key]);
}

/** The context of a request for `METHOD schemaPath` with this parsed JSON body. */
export function describeOperation(
  method: string,
  schemaPath: string,
  body: unknown,
  parseAs: string = "json",
): OperationContext | undefined {
  const meta = operationMeta[`${method} ${schemaPath}`];
  if (!meta) return undefined;
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  // The API binds names without regard to case, and numbers sent as text: so does this, and a
  // field given in several casings counts as a payment if any of them says so.
  const values = (name: string) => fieldValues(fields, name);
  const when = meta.moneyMovingWhen;
  const moneyMoving =
    when !== undefined &&
    Object.entries(when).every(([k, v]) =>
      values(k).some(
        (value) =>
          value === v ||
          (typeof v === "number" &&
            typeof value === "string" &&
            value.trim() !== "" &&
            Number(value) === v),
      ),
    );
  const id = values(meta.idField ?? "originatorConversationId")[0];
  return {
    operationId: meta.operationId,
    moneyMoving,
    expectJson: !meta.textAnswer && (parseAs === "json" || moneyMoving),
    ...(typeof id === "string" ? { originatorConversationId: id } : {}),
  };
}

/** The operation paths of a method, longest first. */
function operationPaths(method: string): string[] {
  return Object.keys(operationMeta)
    .filter((key) => key.startsWith(`${method} `))
    .map((key) => key.slice(method.length + 1))
    .sort((a, b) => b.length - a.length);
}

/**
 * The context of a request that carries none (a middleware of the caller's replaced the Request
 * the SDK tagged): read again from its method, its path under `basePath` and its JSON body.
 */
export function deriveOperation(
  request: Request,
  basePath: string,
  body: ArrayBuffer | undefined,
): OperationContext | undefined {
  const path = pathOf(request.url);
  // Under the client's base path, or (a per-call baseUrl, a rewritten URL) ending in an
  // operation's path: every operation path is static, so the longest such ending names it.
  let schemaPath = path.startsWith(basePath) ? path.slice(basePath.length) || "/" : path;
  if (!operationMeta[`${request.method} ${schemaPath}`]) {
    const ending = operationPaths(request.method).find((p) => path.endsWith(p));
    if (ending === undefined) return undefined;
    schemaPath = ending;
  }
  let parsed: unknown;
  if (body !== undefined) {
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch {
      parsed = undefined;
    }
  }
  return describeOperation(request.method, schemaPath, parsed);
}
