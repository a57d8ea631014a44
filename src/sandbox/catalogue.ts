/**
 * The sandbox's data: routes and bill services are the spec's own examples; the biller accounts
 * below are the sandbox's test accounts.
 */
import type { components } from "../generated/schema.js";
import { at } from "./spec.js";

export interface BillService {
  serviceId: string;
  serviceCode?: string;
  serviceName: string;
  countryCode?: string;
  currencyCode?: string;
}

export const routes = at(
  "/paths/~1v1~1transaction-routes~1assigned-routes/get/responses/200/content/application~1json/examples/routes/value",
) as { routes: unknown[] };

/** One of the account's routes, by id. */
export function findRoute(id: string): components["schemas"]["Route"] | undefined {
  return (routes.routes as components["schemas"]["Route"][]).find((r) => r.id === id);
}

export const billServices = at(
  "/paths/~1v1~1bill-services/get/responses/200/content/application~1json/examples/billers/value",
) as BillService[];

export interface TestAccount {
  serviceCode: string;
  accountNumber: string;
  holder: string;
  amountDue: number;
  dueDate: string;
  /** Payments to this account are declined when they settle. */
  declines?: true;
}

/** Accounts the billers know. Any other account number is refused as invalid. */
export const testAccounts: readonly TestAccount[] = [
  {
    serviceCode: "KE-NAIROBI-WATER",
    accountNumber: "1111111",
    holder: "IRINA MUTHONI",
    amountDue: 1500,
    dueDate: "2026-12-15T00:00:00",
  },
  {
    serviceCode: "KE-NAIROBI-WATER",
    accountNumber: "2222222",
    holder: "JOSEPH WAMBURA",
    amountDue: 2697,
    dueDate: "2026-12-10T00:00:00",
    declines: true,
  },
  {
    serviceCode: "KE-ZUKU",
    accountNumber: "240065",
    holder: "BENSON OKIORA",
    amountDue: 3999,
    dueDate: "2026-12-01T00:00:00",
  },
  {
    serviceCode: "KE-GOTV",
    accountNumber: "7012345678",
    holder: "AMINA OTIENO",
    amountDue: 1250,
    dueDate: "2026-12-05T00:00:00",
  },
  {
    serviceCode: "KE-KPLC-PREPAID",
    accountNumber: "14234567890",
    holder: "PETER KAMAU",
    amountDue: 0,
    dueDate: "2026-12-31T00:00:00",
  },
];

/** The bill service a request names by `ServiceId` (GUID) or legacy `serviceCode`. */
export function findService(reference: {
  ServiceId?: string;
  serviceCode?: string;
  serviceId?: string;
}): BillService | undefined {
  const id = reference.ServiceId ?? reference.serviceId;
  return billServices.find(
    (s) =>
      (id !== undefined && s.serviceId === id) ||
      (reference.serviceCode !== undefined && s.serviceCode === reference.serviceCode),
  );
}

export function findAccount(service: BillService, accountNumber: string): TestAccount | undefined {
  return testAccounts.find(
    (a) => a.serviceCode === service.serviceCode && a.accountNumber === accountNumber,
  );
}

/**
 * Payout recipients (`primaryAccountNumber`) whose payments fail when they settle, with the
 * result code they fail with. Every other recipient is paid.
 */
export const failingPayoutRecipients: Readonly<Record<string, number>> = {
  "254700000001": 1, // Insufficient funds: retry with a new id once funded
  "254700000018": 18, // Declined: do not retry
};

/** A payer who cancels every express-deposit prompt (STK result 1032). Every other payer pays. */
export const cancellingPayer = "254700001032";

/** Accounts that account validation finds, with their holders. Any other account is unknown. */
export const validatedAccounts: Readonly<Record<string, string>> = {
  "254712345678": "AMINA OTIENO",
  "254710000000": "IRINA MUTHONI",
  "1049928063": "BENSON OKIORA",
};

/** People the KYC registry knows, by national ID. Any other ID is not found. */
export const registeredPeople: Readonly<Record<string, string>> = {
  "23456789": "IRINA MUTHONI",
  "34567890": "AMINA OTIENO",
};
