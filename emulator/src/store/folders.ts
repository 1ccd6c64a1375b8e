/**
 * Well-known mail folders and their localised display names. Clients must address folders by
 * well-known name (`inbox`, `sentitems`…) because display names follow the mailbox language.
 * https://learn.microsoft.com/graph/api/resources/mailfolder (well-known folder names)
 */
import { newFolderId } from "./ids.ts";
import type { Mailbox, MailFolder, WellKnownFolderName } from "./types.ts";

/** Folders every new mailbox gets, in Outlook's order. */
export const WELL_KNOWN_FOLDERS: readonly WellKnownFolderName[] = [
  "msgfolderroot",
  "inbox",
  "drafts",
  "sentitems",
  "deleteditems",
  "junkemail",
  "archive",
  "outbox",
  "clutter",
];

/**
 * Hidden folders: lists leave them out unless `includeHiddenFolders=true` (the list-mailFolders
 * page's example shows Clutter with `isHidden: true`).
 * https://learn.microsoft.com/graph/api/user-list-mailfolders
 */
const HIDDEN_FOLDERS: ReadonlySet<WellKnownFolderName> = new Set(["clutter"]);

const NAMES: Record<string, Record<WellKnownFolderName, string>> = {
  en: {
    msgfolderroot: "Top of Information Store",
    inbox: "Inbox",
    drafts: "Drafts",
    sentitems: "Sent Items",
    deleteditems: "Deleted Items",
    junkemail: "Junk Email",
    archive: "Archive",
    outbox: "Outbox",
    clutter: "Clutter",
  },
  fr: {
    msgfolderroot: "Haut de la banque d'informations",
    inbox: "Boîte de réception",
    drafts: "Brouillons",
    sentitems: "Éléments envoyés",
    deleteditems: "Éléments supprimés",
    junkemail: "Courrier indésirable",
    archive: "Archive",
    outbox: "Boîte d'envoi",
    clutter: "Courrier pêle-mêle",
  },
  de: {
    msgfolderroot: "Oberste Ebene des Informationsspeichers",
    inbox: "Posteingang",
    drafts: "Entwürfe",
    sentitems: "Gesendete Elemente",
    deleteditems: "Gelöschte Elemente",
    junkemail: "Junk-E-Mail",
    archive: "Archiv",
    outbox: "Postausgang",
    clutter: "Clutter",
  },
  es: {
    msgfolderroot: "Parte superior del almacén de información",
    inbox: "Bandeja de entrada",
    drafts: "Borradores",
    sentitems: "Elementos enviados",
    deleteditems: "Elementos eliminados",
    junkemail: "Correo no deseado",
    archive: "Archivo",
    outbox: "Bandeja de salida",
    clutter: "Correo desordenado",
  },
};

/** Display name of a well-known folder for a language tag such as `fr-FR` (English fallback). */
export function localisedFolderName(name: WellKnownFolderName, language: string): string {
  const table = NAMES[language.toLowerCase().split("-")[0] ?? "en"] ?? NAMES.en!;
  return table[name];
}

/** Creates the well-known folder tree: every folder is a child of `msgfolderroot`. */
export function createWellKnownFolders(language: string): Map<string, MailFolder> {
  const folders = new Map<string, MailFolder>();
  const rootId = newFolderId();
  for (const name of WELL_KNOWN_FOLDERS) {
    const id = name === "msgfolderroot" ? rootId : newFolderId();
    folders.set(id, {
      id,
      wellKnownName: name,
      displayName: localisedFolderName(name, language),
      parentFolderId: name === "msgfolderroot" ? null : rootId,
      isHidden: HIDDEN_FOLDERS.has(name),
      messages: new Map(),
    });
  }
  return folders;
}

/**
 * Finds a folder by id or well-known name (case-insensitive, as Graph accepts `Inbox`).
 * Returns undefined when there is none: the Graph layer answers 404 ErrorItemNotFound.
 */
export function findFolder(mailbox: Mailbox, idOrWellKnownName: string): MailFolder | undefined {
  const byId = mailbox.folders.get(idOrWellKnownName);
  if (byId) return byId;
  const wanted = idOrWellKnownName.toLowerCase();
  for (const folder of mailbox.folders.values()) if (folder.wellKnownName === wanted) return folder;
  return undefined;
}

/** Like findFolder, for callers that know the folder exists (store helpers, seeds). */
export function requireFolder(mailbox: Mailbox, idOrWellKnownName: string): MailFolder {
  const folder = findFolder(mailbox, idOrWellKnownName);
  if (!folder) throw new Error(`no folder ${idOrWellKnownName} in mailbox ${mailbox.userPrincipalName}`);
  return folder;
}

/** Graph's computed folder counters. */
export function folderCounts(folder: MailFolder, mailbox: Mailbox) {
  let childFolderCount = 0;
  for (const other of mailbox.folders.values()) if (other.parentFolderId === folder.id) childFolderCount++;
  return {
    childFolderCount,
    unreadItemCount: messageStats(folder, mailbox).unread,
    totalItemCount: folder.messages.size,
  };
}

export interface FolderMessageStats {
  /** Unread messages. */
  unread: number;
  /** Sum of the messages' body lengths (characters). */
  bodyChars: number;
}

/**
 * Per-folder sums over its messages, kept until the mailbox changes: every message mutation goes
 * through messages.ts, which records a change (bumping `changeSeq`), so a folder GET does not walk
 * a large folder again while nothing changed. Keyed by the folder object: a reset or a load brings
 * new objects.
 */
const statsCache = new WeakMap<MailFolder, FolderMessageStats & { seq: number; count: number }>();

export function messageStats(folder: MailFolder, mailbox: Mailbox): FolderMessageStats {
  const cached = statsCache.get(folder);
  if (cached && cached.seq === mailbox.changeSeq && cached.count === folder.messages.size) return cached;
  let unread = 0;
  let bodyChars = 0;
  for (const message of folder.messages.values()) {
    if (!message.isRead) unread++;
    bodyChars += message.body.content.length;
  }
  const fresh = { unread, bodyChars, seq: mailbox.changeSeq, count: folder.messages.size };
  statsCache.set(folder, fresh);
  return fresh;
}
