import { describe, expect, it } from "vitest";
import { acceptRefusal } from "./invitation-policy.ts";
import { type InvitationRecord, invitationStatus, invitationUrl } from "./invitations.ts";

const pending: InvitationRecord = {
  id: "inv1",
  orgId: "org1",
  orgName: "Acme",
  email: "sam@acme.test",
  role: "member",
  status: "pending",
  expiresAt: new Date("2030-01-01T00:00:00Z"),
  inviterName: "Olivia",
};

describe("invitationStatus", () => {
  const now = new Date("2029-06-01T00:00:00Z");
  it("reads a pending invitation past its date as expired", () => {
    expect(invitationStatus("pending", new Date("2029-05-31T23:59:59Z"), now)).toBe("expired");
    expect(invitationStatus("pending", new Date("2029-06-08T00:00:00Z"), now)).toBe("pending");
  });

  it("keeps the final statuses", () => {
    expect(invitationStatus("accepted", new Date(0), now)).toBe("accepted");
    expect(invitationStatus("canceled", new Date(0), now)).toBe("canceled");
  });
});

describe("acceptRefusal", () => {
  it("accepts a pending invitation for the same address, whatever its case", () => {
    expect(acceptRefusal(pending, "Sam@Acme.TEST")).toBeNull();
  });

  it("refuses another address with 403, before saying anything about the invitation's state", () => {
    const refusal = acceptRefusal({ ...pending, status: "accepted" }, "eve@evil.test");
    expect(refusal).toMatchObject({ code: "forbidden" });
    expect(refusal?.message).not.toContain("sam@acme.test");
  });

  it("explains accepted, expired and cancelled invitations", () => {
    expect(acceptRefusal({ ...pending, status: "accepted" }, pending.email)?.message).toBe(
      "This invitation has already been accepted",
    );
    expect(acceptRefusal({ ...pending, status: "expired" }, pending.email)?.message).toBe(
      "This invitation has expired — ask Olivia for a new one",
    );
    expect(acceptRefusal({ ...pending, status: "canceled" }, pending.email)).toMatchObject({
      code: "conflict",
    });
  });
});

describe("invitationUrl", () => {
  it("points at the web app's invite page", () => {
    expect(invitationUrl("https://mail.example.com", "abc")).toBe("https://mail.example.com/invite/abc");
  });
});
