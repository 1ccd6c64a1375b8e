import { ChannelNeedsReauth } from "../channels/access-token.ts";
import { GraphSlotTimeout } from "../channels/graph-slots.ts";
import { GraphError } from "../microsoft/graph-client.ts";

/**
 * What went wrong with a send, classified: either it is worth trying again by itself (throttled,
 * Microsoft unavailable, the network) — then after `retryAfterSeconds` — or a person must act, and
 * the words say what to do. Shown on the message with Retry.
 */
export type SendFailure =
  | { kind: "transient"; code: string; retryAfterSeconds?: number }
  | { kind: "final"; code: string; message: string };

export function classifySendError(error: unknown, context: { from: string }): SendFailure {
  if (error instanceof ChannelNeedsReauth)
    return {
      kind: "final",
      code: "channel_needs_reauth",
      message:
        "The mailbox must be reconnected to Microsoft before this can be sent: reconnect it, then Retry.",
    };
  if (error instanceof GraphSlotTimeout) return { kind: "transient", code: "mailbox_busy" };
  if (!(error instanceof GraphError)) return { kind: "transient", code: "network" };
  const final = (message: string) => ({ kind: "final" as const, code: error.code, message });
  switch (error.code) {
    case "ErrorSendAsDenied":
      return final(
        `Microsoft refused to send as ${context.from}: ask your Microsoft 365 admin to grant Send As for it (and to turn on SendFromAliasEnabled for aliases).`,
      );
    case "ErrorMessageSizeExceeded":
      return final(
        "The message is larger than your Microsoft 365 organisation allows: remove or shrink attachments, or ask your admin to raise the maximum message size.",
      );
    case "ErrorExceededMaxRecipientLimit":
      return final(
        "Microsoft accepts at most 500 recipients per message: split the recipients over several messages.",
      );
    case "ErrorInvalidRecipients":
      return final("Microsoft refused the recipients: check the addresses.");
    case "ErrorSubmissionQuotaExceeded":
      // The mailbox's daily or per-minute quota: it goes once the quota allows.
      return { kind: "transient", code: error.code, retryAfterSeconds: error.retryAfterSeconds ?? 60 };
    case "ErrorItemNotFound":
      return final("The message being answered is no longer in the mailbox: send it as a new email instead.");
    case "ErrorAccessDenied":
      return final(
        "Microsoft refused access to the mailbox: reconnect it so Mailroom may send mail, then Retry.",
      );
  }
  if (error.status === 429 || error.status >= 500 || error.status === 0)
    return {
      kind: "transient",
      code: error.code,
      ...(error.retryAfterSeconds ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
  return final(`Microsoft refused to send it (${error.code}): ${error.message}`);
}
