/**
 * What the SDK knows of the operation a Request belongs to (from the generated operation table):
 * whether it moves money, the `originatorConversationId` it carries, how its answer is read, and
 * whether this send repeats an earlier one of the same call.
 */
import { operationMeta } from "./generated/operations.js";

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
}

const contexts = new WeakMap<Request, OperationContext>();

export function setOperationContext(request: Request, context: OperationContext): void {
  contexts.set(request, context);
}

export function operationContextOf(request: Request): OperationContext | undefined {
  return contexts.get(request);
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
  // The API binds names without regard to case (and numbers sent as text): so does this.
  const field = (name: string) => {
    const wanted = name.toLowerCase();
    for (const key of Object.keys(fields)) if (key.toLowerCase() === wanted) return fields[key];
    return undefined;
  };
  const when = meta.moneyMovingWhen;
  const moneyMoving =
    when !== undefined &&
    Object.entries(when).every(([k, v]) => {
      const value = field(k);
      return value === v || (typeof v === "number" && value === String(v));
    });
  const id = field(meta.idField ?? "originatorConversationId");
  return {
    operationId: meta.operationId,
    moneyMoving,
    expectJson: !meta.textAnswer && (parseAs === "json" || moneyMoving),
    ...(typeof id === "string" ? { originatorConversationId: id } : {}),
  };
}
