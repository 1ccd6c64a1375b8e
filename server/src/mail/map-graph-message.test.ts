import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { graphMessage } from "../microsoft/message-schema.ts";
import { mapGraphMessage } from "./map-graph-message.ts";

// Microsoft's documented example (https://learn.microsoft.com/graph/api/message-get), as the emulator keeps it.
const documented = graphMessage.parse(
  JSON.parse(
    fs.readFileSync(new URL("../../../emulator/fixtures/graph/message.json", import.meta.url), "utf8"),
  ),
);

describe("mapping a Graph message to a stored row", () => {
  it("keeps the documented message's ids, people, dates and body", () => {
    const row = mapGraphMessage(documented, "inbox");
    expect(row).toMatchObject({
      graphId: "AAMkADhMGAAA=",
      graphConversationId: "AAQkADOUpag6yWs=",
      internetMessageId: "<MWHPR6E1BE060@MWHPR1120.namprd22.prod.outlook.com>",
      folder: "inbox",
      direction: "inbound",
      fromAddress: "adelev@contoso.OnMicrosoft.com",
      fromName: "Adele Vance",
      toRecipients: [{ name: "Alex Wilber", address: "AlexW@contoso.OnMicrosoft.com" }],
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      subject: "9/9/2018: concert",
      bodyPreview: "The group represents Nevada.",
      bodyContentType: "html",
      isRead: true,
      hasAttachments: false,
      categories: [],
      removedAt: null,
    });
    expect(row.receivedAt).toEqual(new Date("2018-09-09T03:15:08Z"));
    expect(row.sentAt).toEqual(new Date("2018-09-09T03:15:06Z"));
    expect(row.bodyContent).toContain("The group represents Nevada.");
    expect(row.webLink).toMatch(/^https:\/\/outlook\.office365\.com\//);
  });

  it("keeps the expanded attachment list, and null when the page carried none", () => {
    expect(mapGraphMessage(documented, "inbox").attachments).toBeNull();
    const row = mapGraphMessage(
      {
        ...documented,
        hasAttachments: true,
        attachments: [
          { id: "AAMkAGUzY5QKjAAA=", name: "menu.txt", contentType: "text/plain", size: 4, isInline: false },
          {
            id: "AAMkAGUzY5QKjAAB=",
            name: "logo.png",
            contentType: "image/png",
            size: 2048,
            isInline: true,
            contentId: "logo@contoso",
          },
        ],
      },
      "inbox",
    );
    expect(row.attachments).toEqual([
      {
        id: "AAMkAGUzY5QKjAAA=",
        name: "menu.txt",
        contentType: "text/plain",
        size: 4,
        isInline: false,
        contentId: null,
      },
      {
        id: "AAMkAGUzY5QKjAAB=",
        name: "logo.png",
        contentType: "image/png",
        size: 2048,
        isInline: true,
        contentId: "logo@contoso",
      },
    ]);
    expect(mapGraphMessage({ ...documented, attachments: [] }, "inbox").attachments).toEqual([]);
  });

  it("treats what sits in Sent Items as outbound", () => {
    expect(mapGraphMessage(documented, "sentitems").direction).toBe("outbound");
  });

  it("survives a sparse message: no conversation, sender only, no dates", () => {
    const row = mapGraphMessage(
      {
        id: "AAMkAD-sparse",
        sender: { emailAddress: { address: "danas@contoso.com" } },
        toRecipients: [{ emailAddress: { name: "Undisclosed recipients", address: "" } }],
        receivedDateTime: "not a date",
      },
      "inbox",
    );
    expect(row).toMatchObject({
      graphConversationId: "AAMkAD-sparse",
      fromAddress: "danas@contoso.com",
      fromName: null,
      toRecipients: [],
      receivedAt: null,
      subject: "",
      bodyContentType: "text",
      isRead: false,
    });
  });
});
