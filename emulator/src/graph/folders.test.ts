import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { graph, json, startEmulator, userToken } from "./testing.ts";

interface Folder {
  id: string;
  displayName: string;
  totalItemCount: number;
  unreadItemCount: number;
  childFolderCount: number;
}

describe("users and mail folders", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it("returns the signed-in user with $select, proxyAddresses included", async () => {
    const response = await graph(
      emulator,
      "me?$select=id,displayName,mail,userPrincipalName,proxyAddresses,otherMails",
      {
        token: userToken(emulator, "support"),
      },
    );
    const user = await json(response);
    expect(user["@odata.context"]).toBe(
      `${emulator.url}/v1.0/$metadata#users(id,displayName,mail,userPrincipalName,proxyAddresses,otherMails)/$entity`,
    );
    expect(user.proxyAddresses).toEqual(
      expect.arrayContaining(["SMTP:support@contoso.com", "smtp:help@contoso.com"]),
    );
    expect(Object.keys(user)).not.toContain("jobTitle");
  });

  it("rejects an unknown $select property like Graph", async () => {
    const response = await graph(emulator, "me?$select=nope", { token: userToken(emulator, "support") });
    expect(response.status).toBe(400);
  });

  it("finds folders by well-known name with localised display names and counts", async () => {
    const token = userToken(emulator, "camille");
    const inbox = await json<Folder>(await graph(emulator, "me/mailFolders/inbox", { token }));
    expect(inbox.displayName).toBe("Boîte de réception");
    const sent = await json<Folder>(await graph(emulator, "me/mailFolders/SentItems", { token }));
    expect(sent.displayName).toBe("Éléments envoyés");
    const byId = await json<Folder>(await graph(emulator, `me/mailFolders/${inbox.id}`, { token }));
    expect(byId.id).toBe(inbox.id);
  });

  it("counts total and unread messages of a folder", async () => {
    const token = userToken(emulator, "support");
    const inbox = await json<Folder>(await graph(emulator, "me/mailFolders/inbox", { token }));
    const mailbox = emulator.store.mailbox("support@contoso.com")!;
    const folder = [...mailbox.folders.values()].find((f) => f.wellKnownName === "inbox")!;
    expect(inbox.totalItemCount).toBe(folder.messages.size);
    expect(inbox.unreadItemCount).toBe([...folder.messages.values()].filter((m) => !m.isRead).length);
    expect(inbox.childFolderCount).toBe(0);
  });

  it("lists the top-level folders", async () => {
    const list = await json<{ value: Folder[] }>(
      await graph(emulator, "me/mailFolders", { token: userToken(emulator, "support") }),
    );
    expect(list.value.map((f) => f.displayName)).toEqual(
      expect.arrayContaining(["Inbox", "Drafts", "Sent Items", "Deleted Items", "Junk Email", "Archive"]),
    );
  });

  it("creates folders at the top level and under a folder, listed as children; a taken name is 409", async () => {
    const token = userToken(emulator, "support");
    const post = (path: string, body: unknown) => graph(emulator, path, { method: "POST", token, body });
    const top = await post("me/mailFolders", { displayName: "Vendors" });
    expect(top.status).toBe(201);
    const vendors = await json<Folder & { parentFolderId: string; isHidden: boolean }>(top);
    expect(vendors).toMatchObject({
      displayName: "Vendors",
      childFolderCount: 0,
      totalItemCount: 0,
      isHidden: false,
    });
    const child = await post(`me/mailFolders/${vendors.id}/childFolders`, { displayName: "Lamps" });
    expect(child.status).toBe(201);
    expect((await json<{ parentFolderId: string }>(child)).parentFolderId).toBe(vendors.id);
    const underInbox = await post("me/mailFolders/inbox/childFolders", { displayName: "Vendors" });
    expect(underInbox.status, "the same name under another parent").toBe(201);

    const again = await post("me/mailFolders", { displayName: "vendors" });
    expect(again.status).toBe(409);
    expect((await json<{ error: { code: string } }>(again)).error.code).toBe("ErrorFolderExists");
    expect((await post("me/mailFolders", { displayName: " " })).status).toBe(400);
    expect((await post("me/mailFolders/nosuchfolder/childFolders", { displayName: "X" })).status).toBe(400);

    const top2 = await json<{ value: Folder[] }>(await graph(emulator, "me/mailFolders?$top=50", { token }));
    expect(top2.value.find((f) => f.id === vendors.id)?.childFolderCount).toBe(1);
    const children = await json<{ value: Folder[] }>(
      await graph(emulator, `me/mailFolders/${vendors.id}/childFolders`, { token }),
    );
    expect(children.value.map((f) => f.displayName)).toEqual(["Lamps"]);
  });

  it("answers an unknown well-known name as a malformed id and an unknown id with 404", async () => {
    const token = userToken(emulator, "support");
    expect((await graph(emulator, "me/mailFolders/nosuchfolder", { token })).status).toBe(400);
    expect((await graph(emulator, "me/mailFolders/AQMkADnothing-AAA=", { token })).status).toBe(404);
  });
});
