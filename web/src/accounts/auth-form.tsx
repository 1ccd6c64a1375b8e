import {
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type RefObject,
  useRef,
  useState,
} from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api.ts";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError } from "../ui/form-error.tsx";
import { PageHeading } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { AuthLayout } from "./auth-layout.tsx";
import { safeNext } from "./safe-next.ts";
import { useSession } from "./session.tsx";

/**
 * What the log-in and sign-up pages share: the card with its heading, the form with its error
 * region and one submit button, the link to the other page, the text inputs, and the submit cycle
 * (check the fields here, send, show the server's field errors and a sentence for the rest).
 */

/** Messages by field name: the page's own checks, or the server's (`ApiError.fieldErrors`). */
export type FieldErrors<Name extends string = string> = Partial<Record<Name, string>>;

const TOO_MANY = "Too many attempts, try again in a minute";

/** The sentence above the form for a failed submit; `unauthorized` for a 401 (wrong password). */
export function authErrorMessage(error: unknown, unauthorized?: string): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Try again.";
  if (error.status === 401 && unauthorized) return unauthorized;
  if (error.status === 429) return TOO_MANY;
  return error.title;
}

/**
 * Where the page leads once signed in: `next` (a safe path from the query, kept on the link to
 * the other page), `email` to prefill (from an invitation), and `finish`, which re-reads the
 * session and goes to `next` or the page's own default.
 */
export function useAuthDestination() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const { reload } = useSession();
  const next = safeNext(search);
  const finish = async (fallback: string) => {
    await reload();
    navigate(next ?? fallback, { replace: true });
  };
  return { next, email: search.get("email") ?? "", finish };
}

interface AuthFormState {
  form: RefObject<HTMLFormElement | null>;
  errors: FieldErrors;
  formError: string | null;
  busy: boolean;
  /**
   * Shows the errors `found` by the page's own checks, or else sends: a failure shows the
   * server's field errors and `authErrorMessage` (with `unauthorized` for a 401).
   */
  submit(found: FieldErrors, send: () => Promise<void>, unauthorized?: string): void;
}

export function useAuthForm(): AuthFormState {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  function submit(found: FieldErrors, send: () => Promise<void>, unauthorized?: string) {
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length) return;
    void run(async () => {
      try {
        await send();
      } catch (error) {
        setFormError(authErrorMessage(error, unauthorized));
        if (error instanceof ApiError) setErrors(error.fieldErrors());
      }
    });
  }

  return { form, errors, formError, busy, submit };
}

interface AuthFormProps {
  title: string;
  documentTitle: string;
  lead: string;
  state: Pick<AuthFormState, "form" | "formError" | "busy">;
  onSubmit(): void;
  submitLabel: string;
  busyLabel: string;
  /** The line under the card leading to the other page ("New to Mailroom?" + link). */
  switchPrompt: string;
  switchTo: string;
  switchLabel: string;
  children: ReactNode;
}

/** The card of a log-in or sign-up page: heading, lead, the form, and the way to the other page. */
export function AuthForm({ title, documentTitle, lead, state, onSubmit, children, ...props }: AuthFormProps) {
  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
  }
  return (
    <AuthLayout>
      <PageHeading title={title} documentTitle={documentTitle} className="auth__title" />
      <p className="auth__lead">{lead}</p>
      <form ref={state.form} className="form" onSubmit={handleSubmit} noValidate>
        <FormError message={state.formError} />
        {children}
        <button type="submit" className="button button--primary button--block" disabled={state.busy}>
          {state.busy ? props.busyLabel : props.submitLabel}
        </button>
      </form>
      <p className="auth__switch">
        {props.switchPrompt} <Link to={props.switchTo}>{props.switchLabel}</Link>
      </p>
    </AuthLayout>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "className" | "id">;

interface AuthInputProps extends InputProps {
  label: string;
  hint?: string;
  error: string | undefined;
  value: string;
  onValue(value: string): void;
}

/** A required text input of an auth form, with its label, hint and error. */
export function AuthInput({ label, hint, error, value, onValue, ...input }: AuthInputProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <input
          {...control}
          {...input}
          className="input"
          required
          value={value}
          onChange={(e) => onValue(e.target.value)}
        />
      )}
    </Field>
  );
}

/** The email input both pages have. */
export function EmailInput(props: {
  label: string;
  error: string | undefined;
  value: string;
  onValue(value: string): void;
}) {
  return <AuthInput {...props} type="email" name="email" autoComplete="email" />;
}
