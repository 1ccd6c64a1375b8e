// @vitest-environment happy-dom
import { type ComposeContext, createOutboxBody } from "@mailroom/contract";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Composer } from "./composer.tsx";
import { loadDraft } from "./draft-store.ts";
import { outboxItem } from "./outbox-fixture.ts";

const context: ComposeContext = {
  channelId: "c1",
  fromChoices: [
    { address: "support@contoso.com", isPrimary: true },
    { address: "help@contoso.com", isPrimary: false },
  ],
  otherAddresses: ["owner@outlook.com"],
  defaultFrom: "help@contoso.com",
  signatureHtml: "<p>Contoso Support</p>",
  autoBcc: "archive@contoso.com",
  undoSendSeconds: 10,
  defaults: {
    messageId: "m1",
    lastSeenMessageId: "m1",
    subject: "Order #1",
    reply: { to: [{ name: "Dana", address: "dana@fabrikam.com" }], cc: [] },
    replyAll: { to: [{ name: "Dana", address: "dana@fabrikam.com" }], cc: [] },
  },
};

const item = outboxItem();

let bodies: unknown[] = [];
let answers: Response[] = [];
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": status >= 400 ? "application/problem+json" : "application/json" },
  });

beforeEach(() => {
  bodies = [];
  answers = [];
  localStorage.clear();
  document.cookie = "mailroom_csrf=t1";
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit = {}) => {
    bodies.push(typeof init.body === "string" ? JSON.parse(init.body) : undefined);
    return answers.shift() ?? json(500, {});
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The send key of a request body: a UUID v4 (createOutboxBody checks it as a UUID too). */
function keyOf(body: unknown): string {
  const key = createOutboxBody.parse(body).sendKey;
  expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  return key!;
}

function open(onSent = vi.fn()) {
  render(<Composer kind="reply" context={context} draftKey="k1" onClose={vi.fn()} onSent={onSent} />);
  return onSent;
}

describe("the composer", () => {
  it("offers the mailbox's addresses as From, the alias written to first; others only as a note", () => {
    open();
    const from = screen.getByLabelText("From");
    expect((from as HTMLSelectElement).value).toBe("help@contoso.com");
    expect([...(from as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      "support@contoso.com",
      "help@contoso.com",
    ]);
    expect(screen.getByText(/not addresses it can send from: owner@outlook.com/)).toBeTruthy();
  });

  it("makes chips of addresses and refuses what isn't one", () => {
    open();
    const to = screen.getByLabelText("To");
    fireEvent.change(to, { target: { value: "sam@example.net, not-an-address" } });
    fireEvent.keyDown(to, { key: "Enter" });
    expect(screen.getByText("sam@example.net")).toBeTruthy();
    expect(screen.getByText("Not an email address: not-an-address")).toBeTruthy();
  });

  it("sends with the reply's recipients, the auto-BCC and what was last seen, and keeps the draft meanwhile", async () => {
    const onSent = open();
    await waitFor(() =>
      expect(loadDraft("k1")?.bcc).toEqual([{ address: "archive@contoso.com", name: null }]),
    );
    answers.push(json(201, { outbox: item }));
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(onSent).toHaveBeenCalledWith(item));
    expect(bodies[0]).toMatchObject({
      kind: "reply",
      messageId: "m1",
      lastSeenMessageId: "m1",
      from: "help@contoso.com",
      to: [{ address: "dana@fabrikam.com" }],
      bcc: [{ address: "archive@contoso.com" }],
      sendAnyway: false,
    });
    expect(loadDraft("k1")).toBeUndefined();
  });

  it("shows a colleague's reply first when Send is stopped, and sends anyway on request", async () => {
    const onSent = open();
    answers.push(
      json(409, {
        type: "x",
        title: "Sam is already replying to this conversation",
        status: 409,
        code: "conflict",
        reason: "newer_messages",
        messages: [],
        pending: [{ ...item, html: "<p>We are on it</p>" }],
      }),
    );
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await screen.findByText(/Sam is already replying/);
    expect(screen.getByText("We are on it")).toBeTruthy();
    expect(onSent).not.toHaveBeenCalled();
    answers.push(json(201, { outbox: item }));
    fireEvent.click(screen.getByRole("button", { name: "Send anyway" }));
    await waitFor(() => expect(onSent).toHaveBeenCalled());
    expect(bodies[1]).toMatchObject({ sendAnyway: true });
  });

  it("sends again with the same key after a lost answer (kept with the draft); the next message gets a new one", async () => {
    const onSent = open();
    fireEvent.click(screen.getByRole("button", { name: "Send" })); // the answer is a 500
    await screen.findByRole("alert");
    const sendKey = keyOf(bodies[0]);
    await waitFor(() => expect(loadDraft("k1")?.sendKey).toBe(sendKey));
    answers.push(json(201, { outbox: item }));
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(onSent).toHaveBeenCalledWith(item));
    expect(bodies[1]).toMatchObject({ sendKey });
    cleanup();
    open();
    answers.push(json(201, { outbox: item }));
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(bodies).toHaveLength(3));
    expect(keyOf(bodies[2])).not.toBe(sendKey);
  });

  it("keeps uploaded files with the draft: a reopened composer has them, and Send names them", async () => {
    const upload = {
      id: "u1",
      name: "label.pdf",
      contentType: "application/pdf",
      size: 5,
      received: 0,
      isInline: false,
      contentId: null,
    };
    answers.push(json(201, { upload }), json(200, { upload: { ...upload, received: 5 } }));
    open();
    const file = new File(["%PDF-"], "label.pdf", { type: "application/pdf" });
    fireEvent.change(screen.getByLabelText("Attach files"), { target: { files: [file] } });
    await waitFor(() =>
      expect(loadDraft("k1")?.files).toEqual([{ uploadId: "u1", name: "label.pdf", size: 5 }]),
    );
    cleanup();

    const onSent = open();
    expect(screen.getByRole("list", { name: "Attachments" }).textContent).toContain("label.pdf");
    answers.push(json(201, { outbox: item }));
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(onSent).toHaveBeenCalledWith(item));
    expect(bodies.at(-1)).toMatchObject({ attachments: [{ uploadId: "u1" }] });
  });

  it("puts the cursor in the text of a reply, and in To of a new email", async () => {
    open();
    const text = await screen.findByRole("textbox", { name: "Message" });
    await waitFor(() => expect(text.contains(document.activeElement)).toBe(true));
    cleanup();
    render(<Composer kind="new" context={context} draftKey="k3" onClose={vi.fn()} onSent={vi.fn()} />);
    const to = screen.getByLabelText("To");
    await waitFor(() => expect(document.activeElement).toBe(to));
    // The first recipient doesn't send the cursor to the text: the subject comes next.
    fireEvent.change(to, { target: { value: "sam@example.net" } });
    fireEvent.keyDown(to, { key: "Enter" });
    expect(screen.getByText("sam@example.net")).toBeTruthy();
    await new Promise((r) => setTimeout(r, 50)); // a focus the editor would take comes within a tick
    expect(document.activeElement).toBe(to);
  });

  it("starts a forward with Exchange's FW: subject", () => {
    render(<Composer kind="forward" context={context} draftKey="k2" onClose={vi.fn()} onSent={vi.fn()} />);
    expect((screen.getByLabelText("Subject") as HTMLInputElement).value).toBe("FW: Order #1");
  });
});
