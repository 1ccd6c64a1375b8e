import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { listMembers, type Member } from "../accounts/accounts-api.ts";
import { ApiError, errorMessage } from "../api.ts";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError } from "../ui/form-error.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { ColorPicker } from "./color-picker.tsx";
import { asInboxColor } from "./inbox-colors.ts";
import { createInbox, type Inbox, type InboxInput, updateInbox } from "./inboxes-api.ts";
import { VisibilityPicker } from "./visibility-picker.tsx";

type Errors = Partial<Record<"name" | "description" | "color" | "visibility" | "memberIds", string>>;

interface InboxFormDialogProps {
  /** Closed when undefined; `null` opens it to create a new inbox. */
  editing: Inbox | null | undefined;
  onSaved(inbox: Inbox, created: boolean): void;
  onClose(): void;
}

/** New inbox / Edit inbox in a modal (native <dialog>: focus trapped and restored, Escape closes). */
export function InboxFormDialog({ editing, onSaved, onClose }: InboxFormDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const open = editing !== undefined;
  const closable = useRef(true);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog dialog--wide"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (closable.current) onClose();
      }}
    >
      {open ? (
        <InboxForm
          key={editing?.id ?? "new"}
          titleId={titleId}
          inbox={editing}
          onSaved={onSaved}
          onClose={onClose}
          onBusy={(busy) => {
            closable.current = !busy;
          }}
        />
      ) : null}
    </dialog>
  );
}

interface InboxFormProps {
  titleId: string;
  inbox: Inbox | null;
  onSaved(inbox: Inbox, created: boolean): void;
  onClose(): void;
  onBusy(busy: boolean): void;
}

function InboxForm({ titleId, inbox, onSaved, onClose, onBusy }: InboxFormProps) {
  const { input, set, errors, formError, busy, form, submit } = useInboxForm(inbox, onSaved, onBusy);
  const people = useOrgMembers();

  return (
    <form ref={form} className="form inbox-form" onSubmit={submit} noValidate>
      <h2 id={titleId} className="dialog__title">
        {inbox ? `Edit ${inbox.name}` : "New inbox"}
      </h2>
      <FormError message={formError} />
      <Field label="Name" error={errors.name} hint="What your team calls it, like Billing or Support.">
        {(control) => (
          <input
            {...control}
            className="input"
            name="name"
            autoComplete="off"
            maxLength={80}
            value={input.name}
            onChange={(e) => set("name", e.target.value)}
          />
        )}
      </Field>
      <Field label="Description" error={errors.description} hint="Optional: what belongs in this inbox.">
        {(control) => (
          <textarea
            {...control}
            className="input textarea"
            name="description"
            rows={2}
            maxLength={500}
            value={input.description}
            onChange={(e) => set("description", e.target.value)}
          />
        )}
      </Field>
      <ColorPicker value={input.color} onChange={(c) => set("color", c)} error={errors.color} />
      <VisibilityPicker
        value={input.visibility}
        onChange={(v) => set("visibility", v)}
        people={people.members}
        peopleError={people.error}
        selected={input.memberIds}
        onSelect={(ids) => set("memberIds", ids)}
        error={errors.visibility ?? errors.memberIds}
      />
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? "Saving…" : inbox ? "Save changes" : "Create inbox"}
        </button>
      </div>
    </form>
  );
}

/** The form's values, its checks and its save (a name taken answers 409: shown on the name). */
function useInboxForm(
  inbox: Inbox | null,
  onSaved: InboxFormProps["onSaved"],
  onBusy: InboxFormProps["onBusy"],
) {
  const [input, setInput] = useState<InboxInput>(() => ({
    name: inbox?.name ?? "",
    description: inbox?.description ?? "",
    color: asInboxColor(inbox?.color ?? "blue"),
    visibility: inbox?.visibility ?? "org",
    memberIds: inbox?.members.map((m) => m.userId) ?? [],
  }));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);
  useEffect(() => onBusy(busy), [busy, onBusy]);

  const set = <K extends keyof InboxInput>(key: K, value: InboxInput[K]) =>
    setInput((current) => ({ ...current, [key]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const invalid = validate(input);
    setErrors(invalid);
    if (Object.keys(invalid).length) return;
    const body: InboxInput = {
      ...input,
      name: input.name.trim(),
      description: input.description.trim(),
      memberIds: input.visibility === "restricted" ? input.memberIds : [],
    };
    void run(async () => {
      try {
        const saved = inbox ? await updateInbox(inbox.id, body) : await createInbox(body);
        onSaved(saved.inbox, inbox === null);
      } catch (e) {
        const fields: Errors = e instanceof ApiError ? e.fieldErrors() : {};
        if (e instanceof ApiError && e.status === 409 && !fields.name) fields.name = e.title;
        setErrors(fields);
        if (Object.keys(fields).length === 0) setFormError(errorMessage(e));
      }
    });
  }

  return { input, set, errors, formError, busy, form, submit };
}

function validate(input: InboxInput): Errors {
  const errors: Errors = {};
  const name = input.name.trim();
  if (!name) errors.name = "Give the inbox a name";
  else if (name.length > 80) errors.name = "Keep the name under 80 characters";
  if (input.description.trim().length > 500) errors.description = "Keep the description under 500 characters";
  return errors;
}

/** The org's members, loaded when the form opens (only needed for restricted inboxes). */
function useOrgMembers(): { members: Member[] | null; error: string | null } {
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    listMembers().then(
      (res) => live && setMembers(res.members),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);
  return { members, error };
}
