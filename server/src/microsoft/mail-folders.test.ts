import { describe, expect, it } from "vitest";
import { z } from "zod";
import { quietEmulator, requestCounts, useEmulatorGraph } from "../../test/emulator.ts";
import { listFolderChoices } from "./mail-folders.ts";

// The folder tree of support@contoso.com in the emulator, walked level by level through $batch.
const world = useEmulatorGraph();

const created = z.object({ id: z.string() });
async function createFolder(displayName: string, parent?: string): Promise<string> {
  const path = parent ? `/me/mailFolders/${parent}/childFolders` : "/me/mailFolders";
  return world.graph.request({ method: "POST", path, body: { displayName } }, created).then((f) => f.id);
}

describe("the folders mail can be moved to", () => {
  it("lists the user's own folders at any depth with their paths, without Drafts, Outbox and Sent Items", async () => {
    const vendors = await createFolder("Vendors");
    const lamps = await createFolder("Lamps", vendors);
    const broken = await createFolder("Broken", lamps);
    const invoices = await createFolder("Invoices", "inbox");
    await quietEmulator(world.emulator);

    const folders = await listFolderChoices(world.graph);
    const paths = folders.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["Inbox", "Archive", "Deleted Items", "Junk Email"]));
    expect(paths).toEqual(
      expect.arrayContaining(["Vendors", "Vendors / Lamps", "Vendors / Lamps / Broken", "Inbox / Invoices"]),
    );
    expect(paths).not.toContain("Drafts");
    expect(paths).not.toContain("Sent Items");
    expect(paths).not.toContain("Outbox");
    expect(paths).not.toContain("Clutter"); // hidden
    expect(paths).toEqual([...paths].sort((a, b) => a.localeCompare(b)));
    expect(folders.find((f) => f.path === "Vendors / Lamps / Broken")).toEqual({
      id: broken,
      name: "Broken",
      path: "Vendors / Lamps / Broken",
    });
    expect(folders.find((f) => f.id === invoices)?.name).toBe("Invoices");

    // One $batch per level of the tree (top, then Inbox's and Vendors' children, then Lamps').
    expect((await requestCounts(world.emulator))["POST /v1.0/$batch"]).toBe(3);
  });

  it("follows a level's next pages (100 folders a page)", async () => {
    const many = await createFolder("Many");
    const names = Array.from({ length: 130 }, (_, i) => `Project ${String(i).padStart(3, "0")}`);
    // Four at a time: the mailbox takes no more concurrent requests.
    for (let i = 0; i < names.length; i += 4)
      await Promise.all(names.slice(i, i + 4).map((name) => createFolder(name, many)));
    const folders = await listFolderChoices(world.graph);
    expect(folders.filter((f) => f.path.startsWith("Many / Project ")).map((f) => f.name)).toEqual(names);
  });
});
