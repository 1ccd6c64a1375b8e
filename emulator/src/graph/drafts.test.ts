/**
 * Drafts as Outlook keeps them: a new `@odata.etag` on every change, `If-Match` guarding writes
 * (412 ErrorIrresolvableConflict on a stale etag), and `x-` headers that can only be set when the
 * draft is created and then travel with it to Sent Items and to the recipient.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { CHANGE_KEY_CONFLICT } from "./etag.ts";
import { graph, json, type MessageJson, type Page, startEmulator, userToken } from "./testing.ts";

type Draft = MessageJson & { "@odata.etag": string };
const header = (message: MessageJson, name: string) =>
  message.internetMessageHeaders?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

describe("drafts, etags and headers set at creation", () => {
  let emulator: Emulator;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    token = userToken(emulator, "support");
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const patch = (id: string, body: unknown, ifMatch?: string) =>
    graph(emulator, `me/messages/${id}`, {
      token,
      method: "PATCH",
      body,
      headers: ifMatch ? { "if-match": ifMatch } : {},
    });

  it("gives a draft a new @odata.etag on every PATCH and refuses a stale If-Match with 412 ErrorIrresolvableConflict", async () => {
    const draft = await json<Draft>(
      await graph(emulator, "me/messages", { token, method: "POST", body: { subject: "v1" } }),
    );
    const second = await patch(draft.id, { subject: "v2" }, draft["@odata.etag"]);
    expect(second.status).toBe(200);
    const v2 = await json<Draft>(second);
    expect(v2["@odata.etag"]).not.toBe(draft["@odata.etag"]);
    const v3 = await json<Draft>(await patch(draft.id, { body: { contentType: "text", content: "hi" } }));
    expect(v3["@odata.etag"]).not.toBe(v2["@odata.etag"]);

    const stale = await patch(draft.id, { subject: "lost update" }, v2["@odata.etag"]);
    expect(stale.status).toBe(412);
    expect((await json<{ error: { code: string; message: string } }>(stale)).error).toMatchObject({
      code: "ErrorIrresolvableConflict",
      message: CHANGE_KEY_CONFLICT,
    });
    const current = await json<Draft>(
      await graph(emulator, `me/messages/${draft.id}?$select=subject`, { token }),
    );
    expect(current.subject).toBe("v2");
    expect((await patch(draft.id, { subject: "v4" }, "*")).status).toBe(200);
    const removeStale = await graph(emulator, `me/messages/${draft.id}`, {
      token,
      method: "DELETE",
      headers: { "if-match": v3["@odata.etag"] },
    });
    expect(removeStale.status).toBe(412);
  });

  it("takes x- headers at creation only: a later PATCH of internetMessageHeaders is refused", async () => {
    const draft = await json<Draft>(
      await graph(emulator, "me/messages", {
        token,
        method: "POST",
        body: { subject: "tagged", internetMessageHeaders: [{ name: "x-mailroom-outbox", value: "o-1" }] },
      }),
    );
    const refused = await patch(draft.id, {
      internetMessageHeaders: [{ name: "x-mailroom-outbox", value: "o-2" }],
    });
    expect(refused.status).toBe(400);
    expect((await json<{ error: { code: string } }>(refused)).error.code).toBe("ErrorInvalidPropertySet");
    const read = await json<MessageJson>(
      await graph(emulator, `me/messages/${draft.id}?$select=internetMessageHeaders`, { token }),
    );
    expect(read.internetMessageHeaders).toEqual([{ name: "x-mailroom-outbox", value: "o-1" }]);
  });

  it("carries a createReply draft's x- header to its Sent Items copy (same id) and to the customer's copy, threaded", async () => {
    const parent = (
      await json<Page>(
        await graph(emulator, "me/mailFolders/inbox/messages?$top=1&$select=internetMessageId,from", {
          token,
        }),
      )
    ).value[0]!;
    const draft = await json<Draft>(
      await graph(emulator, `me/messages/${parent.id}/createReply`, {
        token,
        method: "POST",
        body: { message: { internetMessageHeaders: [{ name: "x-mailroom-outbox", value: "o-42" }] } },
      }),
    );
    const patched = await patch(
      draft.id,
      { body: { contentType: "html", content: "<p>Fixed it.</p>" } },
      draft["@odata.etag"],
    );
    expect(patched.status).toBe(200);
    expect((await graph(emulator, `me/messages/${draft.id}/send`, { token, method: "POST" })).status).toBe(
      202,
    );

    const select = "$select=internetMessageId,internetMessageHeaders,conversationId,parentFolderId,isDraft";
    const sentCopy = await json<MessageJson>(
      await graph(emulator, `me/messages/${draft.id}?${select}`, { token }),
    );
    const sentItems = await json<{ id: string }>(
      await graph(emulator, "me/mailFolders/sentitems", { token }),
    );
    expect(sentCopy).toMatchObject({ isDraft: false, parentFolderId: sentItems.id });
    expect(header(sentCopy, "x-mailroom-outbox")).toBe("o-42");
    expect(header(sentCopy, "In-Reply-To")).toBe(parent.internetMessageId);

    const customer = userToken(emulator, "customer");
    const byId = (id: string) =>
      graph(emulator, `me/messages?$filter=internetMessageId eq '${id}'&${select}`, { token: customer });
    const arrived = (await json<Page>(await byId(sentCopy.internetMessageId))).value[0]!;
    const original = (await json<Page>(await byId(parent.internetMessageId))).value[0]!;
    expect(header(arrived, "x-mailroom-outbox")).toBe("o-42");
    expect(header(arrived, "In-Reply-To")).toBe(parent.internetMessageId);
    expect(header(arrived, "References")?.split(/\s+/).at(-1)).toBe(parent.internetMessageId);
    expect(arrived.conversationId).toBe(original.conversationId);
  });
});
