import { INBOX_COLORS, type InboxColor } from "./inboxes-api.ts";

/** What each palette colour is called next to its swatch (never colour alone). */
export const colorLabel: Record<InboxColor, string> = {
  blue: "Blue",
  green: "Green",
  orange: "Orange",
  purple: "Purple",
  red: "Red",
  teal: "Teal",
  gray: "Gray",
  pink: "Pink",
};

export function asInboxColor(value: string): InboxColor {
  return INBOX_COLORS.find((c) => c === value) ?? "blue";
}

/** The class that sets `--inbox-color` (inboxes.css): no style attributes under our CSP. */
export const colorClass = (color: string) => `inbox-color--${asInboxColor(color)}`;
