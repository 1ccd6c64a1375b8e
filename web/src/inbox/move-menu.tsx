import { routes } from "@mailroom/contract";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { callApi, errorMessage } from "../api.ts";

/** The mailbox's folders as Outlook has them now; read again after a few minutes. */
export const channelFoldersQuery = (channelId: string) =>
  queryOptions({
    queryKey: ["channel-folders", channelId],
    queryFn: () => callApi(routes.listChannelFolders, { params: { id: channelId } }).then((r) => r.folders),
    staleTime: 5 * 60_000,
    retry: false,
  });

/** Folders every mailbox has, by Graph's well-known names: offered while the list loads or when it fails. */
export const WELL_KNOWN_TARGETS = [
  { id: "deleteditems", label: "Deleted Items" },
  { id: "junkemail", label: "Junk Email" },
  { id: "inbox", label: "Inbox" },
] as const;

/**
 * "Move to…" for conversations of one mailbox (`channelId`): every folder of it, the team's own
 * ones included, by path ("Inbox / Vendors"), read from Outlook. Until they are known, when
 * Outlook can't be asked, or without one mailbox (a selection across several), the folders every
 * mailbox has.
 */
export function MoveMenu({
  channelId,
  onMove,
  className = "open-actions__move",
  disabled = false,
}: {
  channelId: string | undefined;
  onMove(folderId: string): void;
  className?: string;
  disabled?: boolean;
}) {
  const folders = useQuery({ ...channelFoldersQuery(channelId ?? ""), enabled: Boolean(channelId) });
  const choices = folders.data?.map((f) => ({ id: f.id, label: f.path })) ?? WELL_KNOWN_TARGETS;
  return (
    <>
      <select
        className={`input select select--compact ${className}`}
        aria-label="Move to folder"
        aria-busy={folders.isFetching && !folders.data}
        value=""
        disabled={disabled}
        onChange={(e) => e.target.value && onMove(e.target.value)}
      >
        {/* The same words while the folders load: a wider label would shift the page under a click. */}
        <option value="">Move to…</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
      </select>
      {folders.isError ? (
        <p className="muted open-actions__notice" role="status">
          Only the standard folders for now: {errorMessage(folders.error)}
        </p>
      ) : null}
    </>
  );
}
