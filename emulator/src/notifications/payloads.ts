/**
 * The JSON Graph POSTs to receivers: a changeNotificationCollection of change notifications, or of
 * lifecycle notifications.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#change-notification-example
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events#structure-of-a-lifecycle-notification
 */
import { randomUUID } from "node:crypto";
import type { LifecycleEvent, Subscription, SubscriptionChangeType } from "../store/notification-types.ts";
import { isoDateTime } from "./subscription-view.ts";

export interface ChangeNotification {
  id: string;
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  changeType: SubscriptionChangeType;
  resource: string;
  resourceData: {
    "@odata.type": "#Microsoft.Graph.Message";
    "@odata.id": string;
    "@odata.etag": string;
    id: string;
  };
  clientState: string | null;
  tenantId: string;
}

export interface LifecycleNotification {
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  tenantId: string;
  clientState: string | null;
  lifecycleEvent: LifecycleEvent;
}

export interface NotificationCollection<T> {
  value: T[];
}

export function changeNotification(
  subscription: Subscription,
  changeType: SubscriptionChangeType,
  messageId: string,
  changeKey: string,
): ChangeNotification {
  const path = `Users/${subscription.mailboxId}/Messages/${messageId}`;
  return {
    id: randomUUID(),
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: isoDateTime(subscription.expiresAt),
    changeType,
    resource: path,
    resourceData: {
      "@odata.type": "#Microsoft.Graph.Message",
      "@odata.id": path,
      "@odata.etag": `W/"${changeKey}"`,
      id: messageId,
    },
    clientState: subscription.clientState,
    tenantId: subscription.tenantId,
  };
}

export function lifecycleNotification(
  subscription: Subscription,
  event: LifecycleEvent,
): LifecycleNotification {
  return {
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: isoDateTime(subscription.expiresAt),
    tenantId: subscription.tenantId,
    clientState: subscription.clientState,
    lifecycleEvent: event,
  };
}
