/**
 * A stored subscription as Graph's `subscription` resource JSON.
 * https://learn.microsoft.com/graph/api/resources/subscription
 */
import type { Subscription } from "../store/notification-types.ts";

export interface GraphSubscription {
  id: string;
  resource: string;
  applicationId: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  notificationQueryOptions: null;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  creatorId: string;
  includeResourceData: boolean;
  latestSupportedTlsVersion: string;
  encryptionCertificate: null;
  encryptionCertificateId: null;
  notificationUrlAppId: null;
  notificationContentType: string;
}

export function toGraphSubscription(subscription: Subscription): GraphSubscription {
  return {
    id: subscription.id,
    resource: subscription.resource,
    applicationId: subscription.clientId,
    changeType: subscription.changeTypes.join(","),
    clientState: subscription.clientState,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: isoDateTime(subscription.expiresAt),
    creatorId: subscription.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: subscription.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
    notificationContentType: "application/json",
  };
}

/** Subscription times keep their milliseconds, as Graph echoes them (`2022-08-05T17:42:12.725Z`). */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString();
}
