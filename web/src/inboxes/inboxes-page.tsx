import { TrayIcon } from "../ui/icons.tsx";
import { EmptyState, PageHeader } from "../ui/page.tsx";

/** Settings > Inboxes: shared inboxes (name, colour, visibility, linked channels) — a later issue fills it. */
export function InboxesPage() {
  return (
    <div className="page">
      <PageHeader
        title="Inboxes"
        description="Shared inboxes group conversations for the people who handle them."
      />
      <EmptyState icon={<TrayIcon />} title="No shared inboxes yet">
        <p>
          Shared inboxes will be listed here: their name, description and colour, who can see them, and the
          channels that feed them. Your first inbox is created when you connect a channel.
        </p>
      </EmptyState>
    </div>
  );
}
