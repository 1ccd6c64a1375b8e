import { useState } from "react";
import { signIn } from "./accounts-api.ts";
import {
  AuthForm,
  AuthInput,
  EmailInput,
  type FieldErrors,
  useAuthDestination,
  useAuthForm,
} from "./auth-form.tsx";
import { withNext } from "./safe-next.ts";

export function LoginPage() {
  const { next, email: invited, finish } = useAuthDestination();
  const [email, setEmail] = useState(invited);
  const [password, setPassword] = useState("");
  const state = useAuthForm();

  function onSubmit() {
    const found: FieldErrors<"email" | "password"> = {};
    if (!email.trim()) found.email = "Enter your email address";
    if (!password) found.password = "Enter your password";
    const send = async () => {
      await signIn({ email: email.trim(), password });
      await finish("/");
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
      <EmailInput label="Email" error={state.errors.email} value={email} onValue={setEmail} />
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
