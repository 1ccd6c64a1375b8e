import { useState } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "../api.ts";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { type ChannelDetail, disconnectChannel } from "./channels-api.ts";

/** Disconnect, asking first whether the channel's conversations stay in Mailroom. */
export function DisconnectChannel({ channel }: { channel: ChannelDetail }) {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [keep, setKeep] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();

  const confirm = () =>
    void run(async () => {
      setError(null);
      try {
        await disconnectChannel(channel.id, keep);
        setOpen(false);
        navigate("/settings/channels", { replace: true });
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  return (
    <>
      <button type="button" className="button button--ghost-danger" onClick={() => setOpen(true)}>
        Disconnect
      </button>
      <ConfirmDialog
        open={open}
        title={`Disconnect ${channel.email}?`}
        confirmLabel="Disconnect"
        busy={busy}
        error={error}
        onConfirm={confirm}
        onCancel={() => {
          setOpen(false);
          setError(null);
        }}
      >
        <p>Mailroom stops receiving and sending mail for this mailbox. Nothing is deleted in Outlook.</p>
        <fieldset className="radio-group">
          <legend className="field__label">Its conversations in Mailroom</legend>
          <label className="radio-group__option">
            <input type="radio" name="keep" checked={keep} onChange={() => setKeep(true)} />
            <span>
              Keep them{" "}
              <span className="muted">— still readable; reconnecting later picks up where it left off</span>
            </span>
          </label>
          <label className="radio-group__option">
            <input type="radio" name="keep" checked={!keep} onChange={() => setKeep(false)} />
            <span>
              Delete them{" "}
              <span className="muted">— the channel and its conversations are removed from Mailroom</span>
            </span>
          </label>
        </fieldset>
      </ConfirmDialog>
    </>
  );
}
