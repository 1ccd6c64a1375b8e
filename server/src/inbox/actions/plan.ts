import type { ConversationAction } from "@mailroom/contract";
import type { AcceptedChange, ActionMessage } from "../../mail/change-conversations.ts";
import type { MessageChange } from "../../microsoft/message-actions.ts";

/**
 * What an action asks of Outlook, message by message (ADR 019). Messages already as asked are
 * left alone (no request). Archive and move take every live message of the conversation, Sent
 * Items' too, so the whole thread leaves the list and sits together in Outlook.
 */
export interface PlannedMessage {
  message: ActionMessage;
  changes: MessageChange[];
  /** Written to the store once Graph accepted every change. */
  accepted: AcceptedChange;
}

export function planMessage(action: ConversationAction, message: ActionMessage): PlannedMessage | undefined {
  const plan = (changes: MessageChange[], accepted: Omit<AcceptedChange, "messageId">) =>
    changes.length === 0 ? undefined : { message, changes, accepted: { messageId: message.id, ...accepted } };
  const inbound = message.direction === "inbound";
  switch (action.type) {
    case "markRead":
      return plan(message.isRead ? [] : [{ kind: "read", isRead: true }], { isRead: true });
    case "markUnread":
      return plan(inbound && message.isRead ? [{ kind: "read", isRead: false }] : [], { isRead: false });
    case "archive":
    case "move": {
      const destinationId = action.type === "archive" ? "archive" : action.folderId;
      const markRead: MessageChange[] =
        action.markRead && !message.isRead ? [{ kind: "read", isRead: true }] : [];
      return plan([...markRead, { kind: "move", destinationId }], { moved: true });
    }
    case "categorize": {
      const same =
        message.categories.length === action.categories.length &&
        message.categories.every((c, i) => c === action.categories[i]);
      return plan(same ? [] : [{ kind: "categorize", categories: action.categories }], {
        categories: action.categories,
      });
    }
    case "close":
    case "reopen":
      return undefined;
  }
}

/** Past tense for summaries: "Archived 98 conversations". */
export function actionVerb(action: ConversationAction): string {
  switch (action.type) {
    case "markRead":
      return "Marked read";
    case "markUnread":
      return "Marked unread";
    case "archive":
      return "Archived";
    case "move":
      return "Moved";
    case "categorize":
      return "Categorized";
    case "close":
      return "Closed";
    case "reopen":
      return "Reopened";
  }
}

export function summarize(action: ConversationAction, total: number, failed: number): string {
  const noun = (n: number) => `${n} conversation${n === 1 ? "" : "s"}`;
  const succeeded = total - failed;
  if (total === 0) return "Nothing matched the selection";
  if (failed === 0) return `${actionVerb(action)} ${noun(succeeded)}`;
  if (succeeded === 0) return `None of ${noun(total)} could be changed; see why below`;
  return `${actionVerb(action)} ${noun(succeeded)}; ${failed} failed (see why below)`;
}
