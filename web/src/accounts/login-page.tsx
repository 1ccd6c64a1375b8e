import { type FormEvent, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api.ts";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError } from "../ui/form-error.tsx";
import { PageHeading } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { signIn } from "./accounts-api.ts";
import { AuthLayout } from "./auth-layout.tsx";
import { safeNext, withNext } from "./safe-next.ts";
import { useSession } from "./session.tsx";

type Errors = Partial<Record<"email" | "password", string>>;

export function LoginPage() {
  const [search] = useSearchParams();
  const next = safeNext(search);
  const navigate = useNavigate();
  const { reload } = useSession();
  const [email, setEmail] = useState(search.get("email") ?? "");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found: Errors = {};
    if (!email.trim()) found.email = "Enter your email address";
    if (!password) found.password = "Enter your password";
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length) return;
    void run(async () => {
      try {
        await signIn({ email: email.trim(), password });
        await reload();
        navigate(next ?? "/", { replace: true });
      } catch (error) {
        setFormError(loginErrorMessage(error));
        if (error instanceof ApiError) setErrors(error.fieldErrors());
      }
    });
  }

  return (
    <AuthLayout>
      <PageHeading title="Log in to Mailroom" documentTitle="Log in" className="auth__title" />
      <p className="auth__lead">Welcome back. Your team's shared inbox is waiting.</p>
      <form ref={form} className="form" onSubmit={onSubmit} noValidate>
        <FormError message={formError} />
        <Field label="Email" error={errors.email}>
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
        <Field label="Password" error={errors.password}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
      <p className="auth__switch">
        New to Mailroom? <Link to={withNext("/signup", next)}>Create an account</Link>
      </p>
    </AuthLayout>
  );
}

function loginErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Try again.";
  if (error.status === 401) return "Wrong email or password";
  if (error.status === 429) return "Too many attempts, try again in a minute";
  return error.title;
}
