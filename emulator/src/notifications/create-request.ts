/**
 * The body of `POST /subscriptions`, checked field by field (pure). Required fields and limits:
 * https://learn.microsoft.com/graph/api/resources/subscription#properties. Where Graph's exact
 * wording for a rejected field is neither documented nor observed, the message names the field and
 * the rule in Graph's style; the one observed text is kept verbatim (expirationDateTime, in
 * expiration.ts).
 */
import { z } from "zod";
import type { SubscriptionChangeType } from "../store/notification-types.ts";
import { type MailResource, parseChangeTypes, parseMailResource } from "./resource.ts";

const CreateBody = z.object({
  changeType: z.string().optional(),
  notificationUrl: z.string().optional(),
  lifecycleNotificationUrl: z.string().nullish(),
  resource: z.string().optional(),
  expirationDateTime: z.unknown().optional(),
  clientState: z.string().nullish(),
  latestSupportedTlsVersion: z.string().nullish(),
  includeResourceData: z.boolean().nullish(),
});

export interface CreateRequest {
  changeTypes: SubscriptionChangeType[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  resource: string;
  mailResource: MailResource;
  expirationDateTime: unknown;
  clientState: string | null;
  latestSupportedTlsVersion: string;
}

export type Failure = { ok: false; status: number; code: string; message: string };

const TLS_VERSIONS = ["v1_0", "v1_1", "v1_2", "v1_3"];
const MAX_CLIENT_STATE = 128;

const invalid = (message: string): Failure => ({ ok: false, status: 400, code: "InvalidRequest", message });

export function checkCreateRequest(
  raw: unknown,
  allowHttp: boolean,
): { ok: true; request: CreateRequest } | Failure {
  const parsed = CreateBody.safeParse(raw ?? {});
  if (!parsed.success)
    return { ok: false, status: 400, code: "BadRequest", message: z.prettifyError(parsed.error) };
  const body = parsed.data;
  const { changeType, notificationUrl, resource } = body;
  if (!changeType) return invalid("changeType is a required property for subscription creation.");
  if (!notificationUrl) return invalid("notificationUrl is a required property for subscription creation.");
  if (!resource) return invalid("resource is a required property for subscription creation.");
  const changeTypes = parseChangeTypes(changeType);
  if (!changeTypes)
    return invalid(
      `'${changeType}' is not a valid changeType. Use created, updated or deleted, comma-separated.`,
    );
  const lifecycleNotificationUrl = body.lifecycleNotificationUrl ?? null;
  const urlProblem =
    receiverUrlProblem("notificationUrl", notificationUrl, allowHttp) ??
    (lifecycleNotificationUrl
      ? receiverUrlProblem("lifecycleNotificationUrl", lifecycleNotificationUrl, allowHttp)
      : null);
  if (urlProblem) return invalid(urlProblem);
  if (body.clientState && body.clientState.length > MAX_CLIENT_STATE)
    return invalid(`clientState is longer than the maximum of ${MAX_CLIENT_STATE} characters.`);
  const latestSupportedTlsVersion = body.latestSupportedTlsVersion ?? "v1_2";
  if (!TLS_VERSIONS.includes(latestSupportedTlsVersion))
    return invalid(
      `'${latestSupportedTlsVersion}' is not a valid latestSupportedTlsVersion. Use v1_0 to v1_3.`,
    );
  if (body.includeResourceData)
    return invalid(
      "includeResourceData requires an encryptionCertificate; rich notifications are not emulated.",
    );
  const mailResource = parseMailResource(resource);
  if (!mailResource) return invalid(`Unsupported resource '${resource}' for mail subscriptions.`);
  return {
    ok: true,
    request: {
      changeTypes,
      notificationUrl,
      lifecycleNotificationUrl,
      resource,
      mailResource,
      expirationDateTime: body.expirationDateTime,
      clientState: body.clientState ?? null,
      latestSupportedTlsVersion,
    },
  };
}

/** Graph requires https; http is accepted when the emulator allows it (local receivers). */
function receiverUrlProblem(field: string, value: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} '${value}' is not a valid absolute URL.`;
  }
  if (url.protocol === "https:" || (allowHttp && url.protocol === "http:")) return null;
  return `${field} must use the HTTPS protocol.`;
}
