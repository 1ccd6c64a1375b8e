/**
 * `GET /me` and `GET /users/{id|userPrincipalName}` with `$select`.
 * https://learn.microsoft.com/graph/api/user-get (default properties, proxyAddresses, otherMails)
 */
import type { FastifyInstance } from "fastify";
import type { Mailbox } from "../store/types.ts";
import { option, parseSelect, type Query } from "./query.ts";
import { mailboxOf, owners, queryErrorReply } from "./routes.ts";

/** Graph's default user properties (without `$select`). */
const DEFAULT_USER_FIELDS = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
] as const;

const USER_FIELDS: ReadonlySet<string> = new Set([
  ...DEFAULT_USER_FIELDS,
  "proxyAddresses",
  "otherMails",
  "accountEnabled",
  "userType",
  "mailNickname",
]);

export function userView(mailbox: Mailbox): Record<string, unknown> {
  return {
    businessPhones: [],
    displayName: mailbox.displayName,
    givenName: mailbox.givenName,
    jobTitle: mailbox.jobTitle,
    mail: mailbox.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: mailbox.preferredLanguage,
    surname: mailbox.surname,
    userPrincipalName: mailbox.userPrincipalName,
    id: mailbox.id,
    proxyAddresses: mailbox.proxyAddresses,
    otherMails: mailbox.otherMails,
    accountEnabled: true,
    userType: "Member",
    mailNickname: mailbox.mail.split("@")[0],
  };
}

export function registerUserRoutes(app: FastifyInstance): void {
  for (const url of owners("")) {
    app.get(url, { config: { graphAccess: "profile" } }, async (request, reply) => {
      const mailbox = mailboxOf(request);
      let select: string[] | null;
      try {
        select = parseSelect(option(request.query as Query, "select"), USER_FIELDS, "microsoft.graph.user");
      } catch (error) {
        return queryErrorReply(reply, error);
      }
      const full = userView(mailbox);
      const fields: readonly string[] = select ?? DEFAULT_USER_FIELDS;
      const base = request.server.emulator.baseUrl;
      const body: Record<string, unknown> = {
        "@odata.context": `${base}/v1.0/$metadata#users${select ? `(${select.join(",")})` : ""}/$entity`,
      };
      for (const field of fields) body[field] = full[field];
      return body;
    });
  }
}
