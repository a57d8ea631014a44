/**
 * Account validation and KYC: accepted at once, completed after the settle delay, with the
 * result posted to the request's callback URL and kept for the lookup by STAN.
 */
import type { components } from "../../generated/schema.js";
import {
  domainError,
  json,
  newConversationId,
  problem,
  receipt,
  timestamp,
  type Answer,
} from "../answers.js";
import { findRoute, registeredPeople, validatedAccounts } from "../catalogue.js";
import type { HandlerContext } from "./contract.js";

type Schemas = components["schemas"];
const ACCEPTED = "Request Accepted. Kindly await processing";

const duplicate = (stan: string) =>
  json(400, {
    systemTraceAuditNumber: stan,
    errorMessage: `duplicate systemTraceAuditNumber '${stan}'`,
  });

export function validateAccount(ctx: HandlerContext): Answer {
  const body = ctx.body as Schemas["AccountValidationRequest"];
  const stan = body.systemTraceAuditNumber;
  if (ctx.state.accountValidations.has(stan)) return duplicate(stan);
  const record: Schemas["AccountValidationStatus"] = {
    validationType: body.type,
    validationTypeDesc: body.type === 1 ? "Mobile" : "Bank",
    accountNumber: body.primaryAccountNumber,
    accountNumberCCY: body.ccy ?? null,
    institutionCode: body.institutionCode,
    countryCode: body.countryCode ?? null,
    callbackURL: body.callBackUrl,
    status: 0,
    statusDesc: "Pending",
    systemTraceAuditNumber: stan,
    conversationID: null,
    responseCode: null,
    responseDesc: null,
    resultCode: null,
    resultDesc: null,
    transactionID: null,
    transactionCreditParty: null,
    createdDate: timestamp().slice(0, 22),
  };
  ctx.state.accountValidations.set(stan, record);
  ctx.schedule(record, () => {
    const holder = validatedAccounts[body.primaryAccountNumber];
    Object.assign(record, {
      status: 4,
      statusDesc: "Completed",
      conversationID: `AG_${newConversationId().replace(/-/g, "").slice(0, 24)}`,
      responseCode: "0",
      responseDesc: "Accept the service request successfully.",
      resultCode: holder ? "0" : "2001",
      resultDesc: holder
        ? "The service request is processed successfully."
        : "The account is unknown.",
      transactionID: receipt(),
      transactionCreditParty: holder ? `${body.primaryAccountNumber} - ${holder}` : null,
    });
    return { url: body.callBackUrl, body: record, originatorConversationId: stan };
  });
  return json(200, {
    systemTraceAuditNumber: stan,
    message: ACCEPTED,
  } satisfies Schemas["ValidationAccepted"]);
}

export function findAccountValidation(ctx: HandlerContext): Answer {
  const record = ctx.state.accountValidations.get(ctx.query.get("stan") ?? "");
  return record ? json(200, record) : problem(404, "No account validation has that STAN.");
}

export function validateKyc(ctx: HandlerContext): Answer {
  const body = ctx.body as Schemas["KycRequest"];
  const stan = body.systemTraceAuditNumber;
  const route = findRoute(body.routeId);
  if (route?.categoryDescription !== "KYC") {
    return domainError(`routeId '${body.routeId}' is not one of your KYC routes.`);
  }
  if (ctx.state.kycChecks.has(stan)) return duplicate(stan);
  const names = [body.kycRequestFirstName, body.kycRequestMiddleName, body.kycRequestLastName];
  const record: Schemas["KycStatus"] = {
    systemTraceAuditNumber: stan,
    status: "0",
    statusDesc: "Pending",
    kycRecordDto: {
      status: 0,
      responseCode: null,
      responseCodeDesc: null,
      kycRequestFirstName: body.kycRequestFirstName,
      kycRequestMiddleName: body.kycRequestMiddleName ?? null,
      kycRequestLastName: body.kycRequestLastName,
      kycRequestFullNames: names.filter(Boolean).join(" ").toUpperCase(),
      kycRequestNationalID: body.kycRequestNationalID,
      kycRequestTelephoneMobile: body.kycRequestTelephoneMobile ?? null,
      kycRequestReportReason: body.kycRequestReportReason,
      kycRequestCallBackURL: body.kycRequestCallBackURL ?? null,
      personalProfileNationalID: null,
    },
  };
  ctx.state.kycChecks.set(stan, record);
  ctx.schedule(record, () => {
    const registered = registeredPeople[body.kycRequestNationalID];
    const fullNames = record.kycRecordDto?.kycRequestFullNames ?? "";
    // Verified when the registry knows the ID and the given first and last names are the holder's.
    const matches =
      registered !== undefined &&
      registered.includes(body.kycRequestFirstName.toUpperCase()) &&
      registered.includes(body.kycRequestLastName.toUpperCase());
    record.status = "4";
    record.statusDesc = "Completed";
    Object.assign(record.kycRecordDto!, {
      status: 4,
      responseCode: matches ? "0" : "1",
      responseCodeDesc: matches ? "Verified" : registered ? "Names do not match" : "Not found",
      kycRequestFullNames: registered ?? fullNames,
      personalProfileNationalID: registered ? body.kycRequestNationalID : null,
    });
    return { url: body.kycRequestCallBackURL, body: record, originatorConversationId: stan };
  });
  return json(200, {
    systemTraceAuditNumber: stan,
    message: ACCEPTED,
  } satisfies Schemas["ValidationAccepted"]);
}

export function findKycValidation(ctx: HandlerContext): Answer {
  const record = ctx.state.kycChecks.get(ctx.query.get("stan") ?? "");
  return record ? json(200, record) : problem(404, "No KYC check has that STAN.");
}
