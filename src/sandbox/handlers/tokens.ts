/** The token endpoint: client credentials in, a bearer token out. */
import type { components } from "../../generated/schema.js";
import { json, oauthError, randomHex, type Answer } from "../answers.js";
import type { HandlerContext } from "./contract.js";

type Schemas = components["schemas"];

export function requestToken(ctx: HandlerContext): Answer {
  const form = ctx.body as Record<string, string>;
  if (form.grant_type !== "client_credentials") return oauthError(400, "unsupported_grant_type");
  if (
    form.client_id !== ctx.credentials.clientId ||
    form.client_secret !== ctx.credentials.clientSecret
  ) {
    return oauthError(401, "invalid_client");
  }
  if (form.scope !== ctx.credentials.scope) return oauthError(400, "invalid_scope");
  const token = `sbx_${randomHex(24)}`;
  ctx.state.tokens.set(token, Date.now() + ctx.tokenLifetimeSeconds * 1000);
  return json(200, {
    access_token: token,
    expires_in: ctx.tokenLifetimeSeconds,
    token_type: "Bearer",
    scope: ctx.credentials.scope,
  } satisfies Schemas["TokenResponse"]);
}
