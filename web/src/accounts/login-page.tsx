import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { signIn } from "./accounts-api.ts";
import { AuthForm, AuthInput, type FieldErrors, useAuthForm } from "./auth-form.tsx";
import { safeNext, withNext } from "./safe-next.ts";
import { useSession } from "./session.tsx";

export function LoginPage() {
  const [search] = useSearchParams();
  const next = safeNext(search);
  const navigate = useNavigate();
  const { reload } = useSession();
  const [email, setEmail] = useState(search.get("email") ?? "");
  const [password, setPassword] = useState("");
  const state = useAuthForm();

  function onSubmit() {
    const found: FieldErrors<"email" | "password"> = {};
    if (!email.trim()) found.email = "Enter your email address";
    if (!password) found.password = "Enter your password";
    const send = async () => {
      await signIn({ email: email.trim(), password });
      await reload();
      navigate(next ?? "/", { replace: true });
    };
    state.submit(found, send, "Wrong email or password");
  }

  return (
    <AuthForm
      title="Log in to Mailroom"
      documentTitle="Log in"
      lead="Welcome back. Your team's shared inbox is waiting."
      state={state}
      onSubmit={onSubmit}
      submitLabel="Log in"
      busyLabel="Logging in…"
      switchPrompt="New to Mailroom?"
      switchTo={withNext("/signup", next)}
      switchLabel="Create an account"
    >
      <AuthInput
        label="Email"
        error={state.errors.email}
        type="email"
        name="email"
        autoComplete="email"
        value={email}
        onValue={setEmail}
      />
      <AuthInput
        label="Password"
        error={state.errors.password}
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        onValue={setPassword}
      />
    </AuthForm>
  );
}
