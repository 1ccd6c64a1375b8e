import { describe, expect, it } from "vitest";
import { attachmentContentPath, attachmentList, attachmentListPath } from "./attachments.ts";

// Microsoft's documented answer to GET /me/messages/{id}/attachments
// (https://learn.microsoft.com/graph/api/message-list-attachments, "Response").
const documented = {
  value: [
    {
      "@odata.type": "microsoft.graph.fileAttachment",
      contentType: "contentType-value",
      contentLocation: "contentLocation-value",
      contentBytes: "contentBytes-value",
      contentId: "null",
      lastModifiedDateTime: "datetime-value",
      id: "id-value",
      isInline: false,
      name: "name-value",
      size: 99,
    },
  ],
};

describe("a message's attachments at Graph", () => {
  it("reads the documented list as metadata, without the content bytes", () => {
    const [attachment, ...rest] = attachmentList.parse(documented).value;
    expect(rest).toEqual([]);
    expect(attachment).toEqual({
      id: "id-value",
      name: "name-value",
      contentType: "contentType-value",
      size: 99,
      isInline: false,
      contentId: "null",
    });
  });

  it("refuses a list whose items have no id", () => {
    expect(attachmentList.safeParse({ value: [{ name: "x", size: 1 }] }).success).toBe(false);
  });

  it("asks for metadata only, and escapes Graph's ids in the path", () => {
    expect(attachmentListPath("AAMk/A+B=")).toBe(
      "/me/messages/AAMk%2FA%2BB%3D/attachments?$select=id,name,contentType,size,isInline",
    );
    expect(attachmentContentPath("AAMk=", "AAMk/1=")).toBe(
      "/me/messages/AAMk%3D/attachments/AAMk%2F1%3D/$value",
    );
  });
});
