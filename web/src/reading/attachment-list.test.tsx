// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { MessageView } from "../inbox/inbox-api.ts";
import { AttachmentList } from "./attachment-list.tsx";

afterEach(cleanup);

const message = (attachments: MessageView["attachments"]): MessageView => ({
  id: "m1",
  direction: "inbound",
  from: null,
  to: [],
  cc: [],
  date: null,
  subject: "s",
  isRead: true,
  text: "",
  hasAttachments: true,
  attachments,
});

const file = (id: string, name: string, contentType: string | null, size: number, isInline = false) => ({
  id,
  name,
  contentType,
  size,
  isInline,
});

describe("AttachmentList", () => {
  it("lists files with type and size; previews images in a dialog and PDFs in a new tab", () => {
    render(
      <AttachmentList
        message={message([
          file("a1", "invoice.pdf", "application/pdf", 183_422),
          file("a2", "photo.jpg", "image/jpeg", 2_400_000),
          file("a3", "data.zip", "application/zip", 12),
          file("a4", "logo.png", "image/png", 900, true),
        ])}
      />,
    );
    const rows = within(screen.getByRole("list", { name: "Attachments" })).getAllByRole("listitem");
    // The inline logo is shown in the body, not listed.
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining("invoice.pdfPDF · 179 KB"),
      expect.stringContaining("photo.jpgJPEG image · 2.3 MB"),
      expect.stringContaining("data.zipArchive · 12 bytes"),
    ]);
    const pdf = screen.getByRole("link", { name: "Preview invoice.pdf (opens in a new tab)" });
    expect(pdf.getAttribute("href")).toBe("/api/messages/m1/attachments/a1?inline=1");
    expect(pdf.getAttribute("target")).toBe("_blank");
    expect(screen.queryByRole("button", { name: "Preview data.zip" })).toBeNull();
    expect(screen.getByRole("link", { name: "Download data.zip" }).getAttribute("href")).toBe(
      "/api/messages/m1/attachments/a3",
    );

    // happy-dom has no showModal: the dialog's own behaviour is the browser's (e2e/reading.test.ts).
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    fireEvent.click(screen.getByRole("button", { name: "Preview photo.jpg" }));
    const img = screen.getByRole("img", { name: "photo.jpg" });
    expect(img.getAttribute("src")).toBe("/api/messages/m1/attachments/a2?inline=1");
  });

  it("says when the list is not known", () => {
    render(<AttachmentList message={message(null)} />);
    expect(screen.getByText("Attachments can't be listed right now.")).toBeTruthy();
  });
});
