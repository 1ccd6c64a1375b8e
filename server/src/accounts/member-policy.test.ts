import { describe, expect, it } from "vitest";
import { type MemberRef, removalRefusal, roleChangeRefusal } from "./member-policy.ts";

const owner: MemberRef = { id: "m-owner", role: "owner" };
const otherOwner: MemberRef = { id: "m-owner-2", role: "owner" };
const admin: MemberRef = { id: "m-admin", role: "admin" };
const member: MemberRef = { id: "m-member", role: "member" };

describe("roleChangeRefusal", () => {
  it("lets an owner change anyone while another owner remains", () => {
    expect(roleChangeRefusal({ actor: owner, target: member, ownerCount: 1 }, "admin")).toBeNull();
    expect(roleChangeRefusal({ actor: owner, target: member, ownerCount: 1 }, "owner")).toBeNull();
    expect(roleChangeRefusal({ actor: owner, target: otherOwner, ownerCount: 2 }, "member")).toBeNull();
    expect(roleChangeRefusal({ actor: owner, target: owner, ownerCount: 2 }, "admin")).toBeNull();
  });

  it("keeps the last owner an owner, even by their own hand", () => {
    const refusal = roleChangeRefusal({ actor: owner, target: owner, ownerCount: 1 }, "admin");
    expect(refusal).toMatchObject({ code: "conflict" });
    expect(refusal?.message).toMatch(/at least one owner/);
  });

  it("lets an admin change admins and members, never owners or into owners", () => {
    expect(roleChangeRefusal({ actor: admin, target: member, ownerCount: 1 }, "admin")).toBeNull();
    expect(roleChangeRefusal({ actor: admin, target: admin, ownerCount: 1 }, "member")).toBeNull();
    expect(roleChangeRefusal({ actor: admin, target: owner, ownerCount: 2 }, "member")).toMatchObject({
      code: "forbidden",
      message: "Only owners can change an owner's role",
    });
    expect(roleChangeRefusal({ actor: admin, target: member, ownerCount: 1 }, "owner")).toMatchObject({
      code: "forbidden",
      message: "Only owners can make someone an owner",
    });
  });

  it("refuses a plain member, saying who can", () => {
    expect(roleChangeRefusal({ actor: member, target: member, ownerCount: 1 }, "admin")).toMatchObject({
      code: "forbidden",
      message: "Only owners and admins can do this — ask your admin",
    });
  });
});

describe("removalRefusal", () => {
  it("lets anyone leave, except the last owner", () => {
    expect(removalRefusal({ actor: member, target: member, ownerCount: 1 })).toBeNull();
    expect(removalRefusal({ actor: admin, target: admin, ownerCount: 1 })).toBeNull();
    expect(removalRefusal({ actor: owner, target: owner, ownerCount: 2 })).toBeNull();
    expect(removalRefusal({ actor: owner, target: owner, ownerCount: 1 })?.message).toMatch(
      /^You're the only owner/,
    );
  });

  it("lets owners remove anyone and admins remove non-owners", () => {
    expect(removalRefusal({ actor: owner, target: admin, ownerCount: 1 })).toBeNull();
    expect(removalRefusal({ actor: owner, target: otherOwner, ownerCount: 2 })).toBeNull();
    expect(removalRefusal({ actor: admin, target: member, ownerCount: 1 })).toBeNull();
    expect(removalRefusal({ actor: admin, target: owner, ownerCount: 2 })).toMatchObject({
      code: "forbidden",
    });
  });

  it("refuses a plain member removing someone else", () => {
    expect(removalRefusal({ actor: member, target: admin, ownerCount: 1 })).toMatchObject({
      code: "forbidden",
      message: "Only owners and admins can remove members — ask your admin",
    });
  });
});
