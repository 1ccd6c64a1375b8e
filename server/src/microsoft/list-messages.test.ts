import { describe, expect, it } from "vitest";
import { createGraphClient } from "./graph-client.ts";
import { listMessagesPath, messageList, messageListPage } from "./list-messages.ts";

const graph = createGraphClient({
  graphUrl: "https://graph.microsoft.com",
  accessToken: async () => "unused",
  fetch: () => Promise.reject(new Error("no requests in a unit test")),
});

// Microsoft's documented answer to GET /me/messages?$select=sender,subject
// (https://learn.microsoft.com/graph/api/user-list-messages, example 1).
const documented = {
  "@odata.context":
    "https://graph.microsoft.com/v1.0/$metadata#users('bb8775a4-4d8c-42cf-a1d4-4d58c2bb668f')/messages(sender,subject)",
  value: [
    {
      "@odata.etag": 'W/"CQAAABYAAADHcgC8Hl9tRZ/hc1wEUs1TAAAwR4Hg"',
      id: "AAMkAGUAAAwTW09AAA=",
      subject: "You have late tasks!",
      sender: {
        emailAddress: { name: "Microsoft Planner", address: "noreply@Planner.Office365.com" },
      },
    },
  ],
};

describe("a folder's message list at Graph", () => {
  it("reads the documented page: its message, and no next page", () => {
    const page = messageListPage(graph, messageList.parse(documented));
    expect(page.messages).toHaveLength(1);
    expect(page.messages[0]).toMatchObject({
      id: "AAMkAGUAAAwTW09AAA=",
      subject: "You have late tasks!",
      sender: { emailAddress: { name: "Microsoft Planner", address: "noreply@Planner.Office365.com" } },
    });
    expect(page.next).toBeUndefined();
    expect(page.count).toBeUndefined();
  });

  it("keeps the window's count and turns the next link into a path on the same host", () => {
    const page = messageListPage(
      graph,
      messageList.parse({
        ...documented,
        "@odata.count": 1234,
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages?$skip=1000",
      }),
    );
    expect(page.count).toBe(1234);
    expect(page.next).toBe("/me/mailFolders/inbox/messages?$skip=1000");
  });

  it("refuses a next link to another host (the token must never leave Graph)", () => {
    const parsed = messageList.parse({ ...documented, "@odata.nextLink": "https://evil.example/v1.0/me" });
    expect(() => messageListPage(graph, parsed)).toThrow(/another host/);
  });

  it("lists the window newest first, ordered by the property the filter leads with", () => {
    const path = listMessagesPath("inbox", {
      from: new Date("2026-11-01T00:00:00Z"),
      before: new Date("2026-12-01T00:00:00Z"),
    });
    const [base, query] = path.split("?");
    expect(base).toBe("/me/mailFolders/inbox/messages");
    const params = new URLSearchParams(query);
    expect(params.get("$filter")).toBe(
      "receivedDateTime ge 2026-11-01T00:00:00.000Z and receivedDateTime lt 2026-12-01T00:00:00.000Z",
    );
    expect(params.get("$orderby")).toBe("receivedDateTime desc");
    expect(params.get("$top")).toBe("1000");
    expect(params.get("$count")).toBe("true");
    expect(params.get("$select")).toContain("conversationId");
    expect(params.get("$expand")).toMatch(/^attachments\(\$select=id,name/);
  });
});
