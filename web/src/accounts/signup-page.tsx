import { type FormEvent, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api.ts";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError } from "../ui/form-error.tsx";
import { PageHeading } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { signUp } from "./accounts-api.ts";
import { AuthLayout } from "./auth-layout.tsx";
import { isEmailAddress } from "./email-address.ts";
import { safeNext, withNext } from "./safe-next.ts";
import { useSession } from "./session.tsx";

export const MIN_PASSWORD_LENGTH = 10;
type Errors = Partial<Record<"name" | "email" | "password", string>>;

export function SignupPage() {
  const [search] = useSearchParams();
  const next = safeNext(search);
  const navigate = useNavigate();
  const { reload } = useSession();
  const [name, setName] = useState("");
  const [email, setEmail] = useState(search.get("email") ?? "");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found = validate({ name, email, password });
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length) return;
    void run(async () => {
      try {
        await signUp({ name: name.trim(), email: email.trim(), password });
        await reload();
        navigate(next ?? "/onboarding", { replace: true });
      } catch (error) {
        if (error instanceof ApiError) {
          setFormError(error.status === 429 ? "Too many attempts, try again in a minute" : error.title);
          setErrors(error.fieldErrors());
        } else {
          setFormError("Something went wrong. Try again.");
        }
      }
    });
  }

  return (
    <AuthLayout>
      <PageHeading title="Create your Mailroom account" documentTitle="Sign up" className="auth__title" />
      <p className="auth__lead">One shared inbox for your team's Outlook mail.</p>
      <form ref={form} className="form" onSubmit={onSubmit} noValidate>
        <FormError message={formError} />
        <Field label="Your name" error={errors.name}>
          {(control) => (
            <input
              {...control}
              className="input"
              name="name"
              autoComplete="name"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Work email" error={errors.email}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              name="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" hint={`At least ${MIN_PASSWORD_LENGTH} characters`} error={errors.password}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              name="password"
              autoComplete="new-password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </form>
      <p className="auth__switch">
        Already have an account? <Link to={withNext("/login", next)}>Log in</Link>
      </p>
    </AuthLayout>
  );
}

function validate({ name, email, password }: { name: string; email: string; password: string }): Errors {
  const errors: Errors = {};
  if (!name.trim()) errors.name = "Enter your name";
  if (!email.trim()) errors.email = "Enter your email address";
  else if (!isEmailAddress(email.trim())) errors.email = "Enter an email address like ana@example.com";
  if (password.length < MIN_PASSWORD_LENGTH)
    errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters (${password.length} so far)`;
  return errors;
}
