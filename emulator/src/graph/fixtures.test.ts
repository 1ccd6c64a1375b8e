/**
 * The emulator's answers have the fields and types of Microsoft's documented examples
 * (emulator/fixtures/graph/*.json, sources in fixtures/SOURCES.md). Values differ; names and JSON
 * types must not (null stands for "not set" and matches any type, as in Graph's own answers).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { deleteMessage, updateMessage } from "../store/messages.ts";
import { graph, json, type Page, startEmulator, userToken } from "./testing.ts";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/graph/${name}`, import.meta.url), "utf8"));

const kind = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/** Differences in field names and JSON types between a documented example and an answer. */
function shapeDifferences(expected: unknown, actual: unknown, path = "$"): string[] {
  if (expected === null || actual === null) return [];
  if (kind(expected) !== kind(actual))
    return [`${path}: ${kind(expected)} in the docs, ${kind(actual)} here`];
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length > 0 && actual.length > 0)
    return shapeDifferences(expected[0], actual[0], `${path}[0]`);
  if (kind(expected) !== "object") return [];
  const have = actual as Record<string, unknown>;
  return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) =>
    key in have ? shapeDifferences(value, have[key], `${path}.${key}`) : [`${path}.${key}: missing`],
  );
}

describe("answers match Microsoft's documented examples", () => {
  let emulator: Emulator;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    token = userToken(emulator, "support");
  });
  afterAll(() => emulator.close());

  it("message (message-get)", async () => {
    const [first] = (
      await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token }))
    ).value;
    const message = await json(
      await graph(emulator, `me/messages/${first!.id}`, { token, immutable: false }),
    );
    expect(shapeDifferences(fixture("message.json"), message)).toEqual([]);
  });

  it("mailFolder (mailfolder-get)", async () => {
    const folder = await json(await graph(emulator, "me/mailFolders/inbox", { token }));
    expect(shapeDifferences(fixture("mailfolder.json"), folder)).toEqual([]);
  });

  it("mailFolders with includeHiddenFolders=true lists Clutter with isHidden (user-list-mailfolders, example 2)", async () => {
    const documented = fixture("mailfolders-include-hidden.json");
    type Folders = { value: { displayName: string; isHidden: boolean }[] };
    const withHidden = await json<Folders>(
      await graph(emulator, "me/mailFolders/?includeHiddenFolders=true", { token }),
    );
    expect(shapeDifferences(documented, withHidden)).toEqual([]);
    expect(withHidden.value).toContainEqual(
      expect.objectContaining({ displayName: "Clutter", isHidden: true }),
    );
    const plain = await json<Folders>(await graph(emulator, "me/mailFolders", { token }));
    expect(plain.value.map((folder) => folder.displayName)).not.toContain("Clutter");
    expect(plain.value.every((folder) => !folder.isHidden)).toBe(true);
    const clutter = await json(await graph(emulator, "me/mailFolders/clutter", { token }));
    expect(clutter).toMatchObject({ displayName: "Clutter", isHidden: true });
  });

  const newDraft = async () =>
    json<{ id: string }>(
      await graph(emulator, "me/messages", { token, method: "POST", body: { subject: "With a file" } }),
    );

  it("adds the documented file attachment and answers its documented shape (message-post-attachments)", async () => {
    const draft = await newDraft();
    const response = await graph(emulator, `me/messages/${draft.id}/attachments`, {
      token,
      method: "POST",
      body: fixture("message-post-attachment-request.json"),
    });
    expect(response.status).toBe(201);
    const added = await json(response);
    const documented = fixture("message-post-attachment-response.json");
    expect(shapeDifferences(documented, added)).toEqual([]);
    // Posted without a contentType, like the example: Outlook answers image/gif for its GIF bytes.
    expect(added).toMatchObject({ name: "smile", contentType: "image/gif", contentLocation: null });
  });

  it("gets a file attachment like attachment-get example 1, and with $select like the large-attachments walkthrough", async () => {
    const draft = await newDraft();
    const added = await json<{ id: string }>(
      await graph(emulator, `me/messages/${draft.id}/attachments`, {
        token,
        method: "POST",
        body: {
          name: "flower",
          contentType: "image/jpeg",
          contentBytes: Buffer.from("jpeg").toString("base64"),
        },
      }),
    );
    const url = `me/messages/${draft.id}/attachments/${added.id}`;
    const full = await json(await graph(emulator, url, { token }));
    expect(shapeDifferences(fixture("attachment-get-file.json"), full)).toEqual([]);
    expect(full["@odata.mediaContentType"]).toBe("image/jpeg");
    expect(String(full["@odata.context"])).toMatch(/\/messages\('[^']+'\)\/attachments\/\$entity$/);

    const documented = fixture("attachment-get-metadata-select.json");
    const selected = await json(
      await graph(emulator, `${url}?$select=lastModifiedDateTime,name,contentType,size,isInline`, { token }),
    );
    expect(Object.keys(selected).sort()).toEqual(Object.keys(documented).sort());
    expect(shapeDifferences(documented, selected)).toEqual([]);
  });

  it("user (user-get)", async () => {
    const user = await json(await graph(emulator, "me", { token }));
    expect(shapeDifferences(fixture("user.json"), user)).toEqual([]);
  });

  it("error (graph errors)", async () => {
    const error = await json(await graph(emulator, "me"));
    expect(shapeDifferences(fixture("error.json"), error)).toEqual([]);
  });

  it("delta pages, first and incremental with @removed (delta-query-messages)", async () => {
    const prefer = { prefer: "odata.maxpagesize=2" };
    const firstPage = await json<Page>(
      await graph(emulator, "me/mailFolders/inbox/messages/delta?$select=subject,sender,isRead", {
        token,
        headers: prefer,
      }),
    );
    expect(shapeDifferences(fixture("messages-delta-first-page.json"), firstPage)).toEqual([]);
    let page = firstPage;
    while (page["@odata.nextLink"])
      page = await json<Page>(await graph(emulator, page["@odata.nextLink"], { token }));
    const mailbox = emulator.store.mailbox("support@contoso.com")!;
    deleteMessage(emulator.store, mailbox, firstPage.value[0]!.id);
    updateMessage(emulator.store, mailbox, firstPage.value[1]!.id, { isRead: !firstPage.value[1]!.isRead });
    const next = await json<Page>(
      await graph(emulator, page["@odata.deltaLink"]!, { token, headers: prefer }),
    );
    const documented = fixture("messages-delta-page.json");
    const [removed, updated] = documented.value as Record<string, unknown>[];
    expect(Object.keys(next.value[0]!).sort()).toEqual(Object.keys(removed!).sort());
    // The doc's example has `"isRead": "true"` (a string); Graph's model and answers use a boolean.
    expect(shapeDifferences({ ...updated, isRead: true }, next.value[1])).toEqual([]);
    expect(shapeDifferences({ ...documented, value: [] }, next)).toEqual([]);
  });
});
