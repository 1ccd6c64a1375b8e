/**
 * What a seeded thread is made of, and the addresses and bits its messages share. Each step becomes
 * copies (sender's Sent Items, recipients' Inboxes) in `../default.ts`.
 */

export interface ThreadStep {
  from: string;
  to: string[];
  cc?: string[];
  /** Offset from now, e.g. `-4d3h`. */
  at: string;
  body: string;
  bodyType?: "text" | "html";
  importance?: "low" | "normal" | "high";
  unread?: boolean;
  flagged?: boolean;
  attachments?: {
    name: string;
    contentType: string;
    contentBytes: string;
    isInline?: boolean;
    contentId?: string;
  }[];
}

export interface Thread {
  key: string;
  subject: string;
  steps: ThreadStep[];
}

export const SUPPORT = "Contoso Support <support@contoso.com>";
export const HELP = "Contoso Help <help@contoso.com>";
export const BILLING = "Contoso Billing <billing@contoso.com>";
export const DANA = "Dana Whitfield <customer@fabrikam.com>";
/** A 1×1 PNG, standing in for a customer's photo. */
export const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

export const sign = (name: string) => `\n\nBest regards,\n${name}`;
