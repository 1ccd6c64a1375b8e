/**
 * `GET /_emulator/` — a small server-rendered page for demos: every mailbox with its counts, and a
 * form that delivers a message from an outside sender into one (`POST /_emulator/demo/send`).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { folderCounts } from "../store/folders.ts";
import type { Mailbox } from "../store/types.ts";
import { deliverInbound } from "./inbound.ts";

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const DemoForm = z.object({
  mailbox: z.string().min(1),
  from: z.string().min(3),
  subject: z.string().default(""),
  text: z.string().default(""),
});

function row(mailbox: Mailbox, tenantName: string): string {
  const inbox = [...mailbox.folders.values()].find((f) => f.wellKnownName === "inbox");
  const counts = inbox ? folderCounts(inbox, mailbox) : { unreadItemCount: 0, totalItemCount: 0 };
  let total = 0;
  for (const folder of mailbox.folders.values()) total += folder.messages.size;
  return `<tr><td>${escapeHtml(mailbox.displayName)}</td><td>${escapeHtml(mailbox.userPrincipalName)}</td><td>${escapeHtml(tenantName)}</td><td>${counts.unreadItemCount} / ${counts.totalItemCount}</td><td>${total}</td></tr>`;
}

export function registerDemoPage(app: FastifyInstance): void {
  const { store } = app.emulator;

  app.get("/", async (request, reply) => {
    const mailboxes = [...store.state.mailboxes.values()];
    const rows = mailboxes
      .map((m) => row(m, store.state.tenants.get(m.tenantId)?.displayName ?? m.tenantId))
      .join("");
    const options = mailboxes
      .map((m) => `<option value="${escapeHtml(m.id)}">${escapeHtml(m.userPrincipalName)}</option>`)
      .join("");
    const sent = (request.query as { sent?: string }).sent === "1" ? `<p role="status">Delivered.</p>` : "";
    return reply.type("text/html; charset=utf-8").send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Microsoft emulator</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}label{display:block;margin:.5rem 0}input,textarea,select{width:100%;max-width:30rem}</style></head>
<body><h1>Microsoft emulator</h1>${sent}
<h2>Mailboxes</h2>
<table><thead><tr><th>Name</th><th>User principal name</th><th>Tenant</th><th>Inbox unread / total</th><th>All messages</th></tr></thead><tbody>${rows}</tbody></table>
<h2>Send a message into a mailbox</h2>
<form method="post" action="/_emulator/demo/send">
<label>To mailbox <select name="mailbox">${options}</select></label>
<label>From <input name="from" value="Dana Whitfield &lt;customer@fabrikam.com&gt;" required></label>
<label>Subject <input name="subject" value="Hello from the demo page"></label>
<label>Text <textarea name="text" rows="5">Hi, this message came from the emulator's demo page.</textarea></label>
<button type="submit">Deliver</button></form></body></html>`);
  });

  app.post("/demo/send", async (request, reply) => {
    const parsed = DemoForm.safeParse(request.body);
    if (!parsed.success) return reply.code(400).type("text/plain").send(z.prettifyError(parsed.error));
    const mailbox = store.mailbox(parsed.data.mailbox);
    if (!mailbox) return reply.code(404).type("text/plain").send("no such mailbox");
    deliverInbound(store, mailbox, {
      from: parsed.data.from,
      subject: parsed.data.subject,
      text: parsed.data.text,
      attachments: [],
      folder: "inbox",
    });
    return reply.redirect("/_emulator/?sent=1", 303);
  });
}
