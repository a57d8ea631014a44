/**
 * What the SDK knows of the operation a Request belongs to (from the generated operation table):
 * whether it moves money, and the `originatorConversationId` it carries.
 */
import { operationMeta } from "./generated/operations.js";

export interface OperationContext {
  operationId: string;
  /** The request moves money (`x-almara-money-moving` matched its body). */
  moneyMoving: boolean;
  originatorConversationId?: string;
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
): OperationContext | undefined {
  const meta = operationMeta[`${method} ${schemaPath}`];
  if (!meta) return undefined;
  const fields = (body ?? {}) as Record<string, unknown>;
  const when = meta.moneyMovingWhen;
  const moneyMoving = when !== undefined && Object.entries(when).every(([k, v]) => fields[k] === v);
  const id = fields[meta.idField ?? "originatorConversationId"];
  return {
    operationId: meta.operationId,
    moneyMoving,
    ...(typeof id === "string" ? { originatorConversationId: id } : {}),
  };
}
