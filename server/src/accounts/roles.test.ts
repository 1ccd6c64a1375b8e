import { describe, expect, it } from "vitest";
import { parseRole, rolesRequiredMessage } from "./roles.ts";

describe("parseRole", () => {
  it("reads our roles and Better Auth's comma-separated form", () => {
    expect(parseRole("owner")).toBe("owner");
    expect(parseRole("member,admin")).toBe("admin");
  });

  it("reads anything unknown as the least powerful role", () => {
    expect(parseRole("superuser")).toBe("member");
    expect(parseRole(null)).toBe("member");
    expect(parseRole("")).toBe("member");
  });
});

describe("rolesRequiredMessage", () => {
  it("says who can and whom to ask", () => {
    expect(rolesRequiredMessage(["owner", "admin"])).toBe(
      "Only owners and admins can do this — ask your admin",
    );
    expect(rolesRequiredMessage(["owner"])).toBe("Only owners can do this — ask an owner");
  });
});
