import { describe, expect, it } from "vitest";
import { attentionWords } from "./attention.ts";

describe("attentionWords", () => {
  it("says what happened and what fixes it, for each kind of refusal", () => {
    expect(attentionWords("needs_reauth", "consent_required")).toEqual({
      reason: "Mailroom's access to the mailbox was removed",
      action: "reconnect",
    });
    expect(attentionWords("needs_reauth", "refresh_token_expired").action).toBe("reconnect");
    expect(attentionWords("needs_reauth", "grant_revoked").reason).toMatch(/password was changed/);
    expect(attentionWords("needs_reauth", "client_secret_expired")).toEqual({
      reason: "the client secret of your Azure app expired",
      action: "update_secret",
    });
    expect(attentionWords("needs_reauth", "credentials_changed").action).toBe("reconnect");
    expect(attentionWords("needs_reauth", "admin_approval_required").action).toBe("azure");
    expect(attentionWords("needs_reauth", "user_disabled").action).toBe("azure");
  });

  it("falls back to a reconnect for a reason it does not know, and says so for a disconnect", () => {
    expect(attentionWords("needs_reauth", "something_new")).toEqual({
      reason: "Microsoft stopped accepting its sign-in",
      action: "reconnect",
    });
    expect(attentionWords("needs_reauth", null).action).toBe("reconnect");
    expect(attentionWords("disconnected", null).reason).toBe("it was disconnected");
  });
});
