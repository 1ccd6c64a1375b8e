import { z } from "zod";
import { type BatchRequestItem, batchItemError, sendBatch } from "./batch.ts";
import type { GraphClient } from "./graph-client.ts";

/**
 * The folders of a mailbox that mail can be moved to, the user's own included, each with its path
 * ("Inbox / Vendors"). Graph lists only one level per request (`/mailFolders` is the root's
 * children; each folder's `childFolders` is listed separately), so the tree is walked level by
 * level, each level's lists in one `$batch`; the first batch also looks up the well-known folders
 * nothing received belongs in (Drafts, Outbox, Sent Items), which are left out. Hidden folders are
 * left out as Graph does by default.
 * https://learn.microsoft.com/graph/api/user-list-mailfolders ·
 * https://learn.microsoft.com/graph/api/mailfolder-list-childfolders
 */
export interface FolderChoice {
  id: string;
  name: string;
  /** The names from the top level down, joined with " / ". */
  path: string;
}

/** Deeper folders are rare; a mailbox with thousands of folders gets its first ones. */
export const MAX_FOLDER_DEPTH = 5;
export const MAX_FOLDERS = 1_000;
const PAGE = 100;
const NOT_TARGETS = ["drafts", "outbox", "sentitems"] as const;

const graphFolder = z.object({
  id: z.string(),
  displayName: z.string(),
  childFolderCount: z.number().int().optional(),
});
const folderPage = z.object({
  value: z.array(graphFolder),
  "@odata.nextLink": z.string().optional(),
});

interface Listing {
  item: BatchRequestItem;
  /** The path of the folder listed (null: the root). */
  parentPath: string | null;
  depth: number;
}

export async function listFolderChoices(graph: GraphClient): Promise<FolderChoice[]> {
  let nextId = 0;
  const listing = (url: string, parentPath: string | null, depth: number): Listing => ({
    item: { id: `l${nextId++}`, method: "GET", url },
    parentPath,
    depth,
  });
  const lookups: BatchRequestItem[] = NOT_TARGETS.map((name) => ({
    id: name,
    method: "GET",
    url: `/me/mailFolders/${name}`,
  }));
  const skip = new Set<string>();
  const found: FolderChoice[] = [];
  let level: Listing[] = [listing(`/me/mailFolders?$top=${PAGE}`, null, 0)];
  for (let first = true; level.length > 0 && found.length < MAX_FOLDERS; first = false) {
    const extra = first ? lookups : [];
    const answers = await sendBatch(graph, [...level.map((l) => l.item), ...extra]);
    for (const answer of answers.slice(level.length)) {
      // A mailbox without one of them (no Outbox yet) has nothing to leave out.
      const id = graphFolder.safeParse(answer.body);
      if (answer.status === 200 && id.success) skip.add(id.data.id);
    }
    const next: Listing[] = [];
    level.forEach((l, i) => {
      const answer = answers[i]!;
      if (answer.status !== 200) throw batchItemError(answer);
      const page = folderPage.parse(answer.body);
      for (const folder of page.value) {
        const path = l.parentPath === null ? folder.displayName : `${l.parentPath} / ${folder.displayName}`;
        found.push({ id: folder.id, name: folder.displayName, path });
        if ((folder.childFolderCount ?? 0) > 0 && l.depth + 1 < MAX_FOLDER_DEPTH)
          next.push(
            listing(
              `/me/mailFolders/${encodeURIComponent(folder.id)}/childFolders?$top=${PAGE}`,
              path,
              l.depth + 1,
            ),
          );
      }
      const more = page["@odata.nextLink"];
      if (more) next.push(listing(graph.pathOf(more), l.parentPath, l.depth));
    });
    level = next;
  }
  return found
    .filter((f) => !skip.has(f.id))
    .slice(0, MAX_FOLDERS)
    .sort((a, b) => a.path.localeCompare(b.path));
}
