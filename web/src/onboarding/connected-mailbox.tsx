import { getChannel } from "../channels/channels-api.ts";
import { CheckIcon } from "../ui/icons.tsx";
import { Loading } from "../ui/page.tsx";
import { useLoad } from "../ui/use-load.ts";
import "../channels/channels.css";

/** The checkmark that confirms the connection, with the mailbox's address. */
export function ConnectedMailbox({ channelId }: { channelId: string }) {
  const [channel] = useLoad(() => getChannel(channelId).then((r) => r.channel), channelId);
  if (channel.status === "loading") return <Loading label="Checking the connection…" />;
  if (channel.status === "failed") {
    return (
      <p className="alert alert--error" role="alert">
        {channel.notFound
          ? "That mailbox isn't connected any more. Connect it again from Settings › Channels."
          : channel.message}
      </p>
    );
  }
  const c = channel.data;
  return (
    <div className="connected connected--inline" role="status">
      <div className="connected__check" aria-hidden="true">
        <CheckIcon />
      </div>
      <p className="connected__title">Outlook connected</p>
      <p className="connected__email">{c.email}</p>
      <p className="connected__lead">
        New mail to this address arrives in your shared inbox
        {c.inboxes[0] ? ` “${c.inboxes[0].name}”` : ""}, and your team's replies go out from it.
      </p>
    </div>
  );
}
