import { type FormEvent, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api.ts";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { type ChannelDetail, updateChannel } from "./channels-api.ts";

const clampSeconds = (n: number) => Math.min(30, Math.max(0, Math.round(Number.isFinite(n) ? n : 0)));

/** Sender name, signature, auto-BCC and the undo-send window; read-only for members. */
export function ChannelSettingsForm({
  channel,
  admin,
  onSaved,
}: {
  channel: ChannelDetail;
  admin: boolean;
  onSaved(): Promise<void>;
}) {
  const { form, values, set, fields, error, saved, busy, submit } = useChannelSettings(channel, onSaved);

  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 className="card__title" id="settings-title">
        Settings
      </h2>
      <form ref={form} className="form" onSubmit={submit} noValidate>
        <fieldset className="plain-fieldset form" disabled={!admin}>
          <legend className="visually-hidden">Channel settings</legend>
          <Field
            label="Display name"
            hint="The sender name customers see on replies."
            error={fields.displayName}
          >
            {(control) => (
              <input
                {...control}
                className="input"
                name="displayName"
                value={values.displayName}
                onChange={(e) => set.displayName(e.target.value)}
                maxLength={100}
              />
            )}
          </Field>
          <Field
            label="Signature"
            hint="Added below every reply sent from this channel."
            error={fields.signature}
          >
            {(control) => (
              <textarea
                {...control}
                className="input channel-signature"
                name="signature"
                rows={4}
                value={values.signature}
                onChange={(e) => set.signature(e.target.value)}
              />
            )}
          </Field>
          <Field
            label="Auto-BCC"
            hint="Every reply is also sent, hidden, to this address (a CRM or archive). Leave empty for none."
            error={fields.autoBcc}
          >
            {(control) => (
              <input
                {...control}
                className="input"
                name="autoBcc"
                type="email"
                inputMode="email"
                autoComplete="off"
                value={values.autoBcc}
                onChange={(e) => set.autoBcc(e.target.value)}
                placeholder="archive@example.com"
              />
            )}
          </Field>
          <UndoSendField value={values.undo} onChange={set.undo} error={fields.undoSendSeconds} />
        </fieldset>
        <SaveFooter error={error} saved={saved} busy={busy} admin={admin} />
      </form>
    </section>
  );
}

/** The form's values and its save: the server's field errors go next to the fields. */
function useChannelSettings(channel: ChannelDetail, onSaved: () => Promise<void>) {
  const form = useRef<HTMLFormElement>(null);
  const [displayName, setDisplayName] = useState(channel.displayName);
  const [signature, setSignature] = useState(channel.signature);
  const [autoBcc, setAutoBcc] = useState(channel.autoBcc ?? "");
  const [undo, setUndo] = useState(channel.undoSendSeconds);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();
  useFocusFirstInvalid(form, fields);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      setError(null);
      setSaved(null);
      setFields({});
      try {
        await updateChannel(channel.id, {
          displayName: displayName.trim(),
          signature,
          autoBcc: autoBcc.trim() ? autoBcc.trim() : null,
          undoSendSeconds: clampSeconds(undo),
        });
        setSaved("Settings saved.");
        await onSaved();
      } catch (e) {
        const f = e instanceof ApiError ? e.fieldErrors() : {};
        setFields(f);
        setError(Object.keys(f).length ? "Check the highlighted fields." : errorMessage(e));
      }
    });
  };

  const values = { displayName, signature, autoBcc, undo };
  const set = { displayName: setDisplayName, signature: setSignature, autoBcc: setAutoBcc, undo: setUndo };
  return { form, values, set, fields, error, saved, busy, submit };
}

/** The undo-send window: a slider and a number box for the same 0–30 seconds. */
function UndoSendField({
  value: undo,
  onChange: setUndo,
  error,
}: {
  value: number;
  onChange(seconds: number): void;
  error: string | undefined;
}) {
  return (
    <Field
      label="Undo send window"
      hint="How long a sent reply waits, so it can be undone. 0 sends at once."
      error={error}
    >
      {(control) => (
        <div className="range-field">
          <input
            {...control}
            className="range-field__range"
            type="range"
            name="undoSendSeconds"
            min={0}
            max={30}
            step={1}
            value={undo}
            onChange={(e) => setUndo(Number(e.target.value))}
            aria-valuetext={`${undo} seconds`}
          />
          <div className="range-field__number">
            <input
              className="input range-field__input"
              type="number"
              min={0}
              max={30}
              step={1}
              value={undo}
              onChange={(e) => setUndo(clampSeconds(Number(e.target.value)))}
              aria-label="Undo send window in seconds"
            />
            <span className="muted" aria-hidden="true">
              s
            </span>
          </div>
        </div>
      )}
    </Field>
  );
}

/** What the save said, and the button for admins (members only read the settings). */
function SaveFooter(props: { error: string | null; saved: string | null; busy: boolean; admin: boolean }) {
  return (
    <>
      <FormError message={props.error} />
      <StatusMessage message={props.saved} />
      {props.admin ? (
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={props.busy}>
            {props.busy ? "Saving…" : "Save settings"}
          </button>
        </div>
      ) : null}
    </>
  );
}
