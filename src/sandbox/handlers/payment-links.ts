/** Payment links: created, looked up and updated. */
import type { components } from "../../generated/schema.js";
import { domainError, json, problem, type Answer } from "../answers.js";
import type { HandlerContext } from "./contract.js";

type Schemas = components["schemas"];

export function createPaymentLink(ctx: HandlerContext): Answer {
  const link: Schemas["PaymentLink"] = {
    ...(ctx.body as Schemas["PaymentLinkFields"]),
    id: globalThis.crypto.randomUUID(),
  };
  ctx.state.links.set(link.id!, link);
  return json(200, link);
}

export function findPaymentLink(ctx: HandlerContext): Answer {
  const link = ctx.state.links.get(ctx.query.get("Id") ?? "");
  return link ? json(200, link) : problem(404, "No payment link has that id.");
}

export function updatePaymentLink(ctx: HandlerContext): Answer {
  const changes = ctx.body as Schemas["PaymentLinkUpdateRequest"];
  const link = ctx.state.links.get(changes.id);
  if (!link) return problem(404, "No payment link has that id.");
  const updated = { ...link, ...changes };
  if (updated.isAmountSpecified === true && updated.amount === undefined) {
    return domainError("A fixed-amount payment link needs an amount.");
  }
  ctx.state.links.set(changes.id, updated);
  return json(200, updated);
}
