import { useState } from "react";
import { signUp } from "./accounts-api.ts";
import {
  AuthForm,
  AuthInput,
  EmailInput,
  type FieldErrors,
  useAuthDestination,
  useAuthForm,
} from "./auth-form.tsx";
import { isEmailAddress } from "./email-address.ts";
import { withNext } from "./safe-next.ts";

export const MIN_PASSWORD_LENGTH = 10;
type Errors = FieldErrors<"name" | "email" | "password">;

export function SignupPage() {
  const { next, email: invited, finish } = useAuthDestination();
  const [name, setName] = useState("");
  const [email, setEmail] = useState(invited);
  const [password, setPassword] = useState("");
  const state = useAuthForm();

  function onSubmit() {
    state.submit(validate({ name, email, password }), async () => {
      await signUp({ name: name.trim(), email: email.trim(), password });
      await finish("/onboarding");
    });
  }

  return (
    <AuthForm
      title="Create your Mailroom account"
      documentTitle="Sign up"
      lead="One shared inbox for your team's Outlook mail."
      state={state}
      onSubmit={onSubmit}
      submitLabel="Create account"
      busyLabel="Creating account…"
      switchPrompt="Already have an account?"
      switchTo={withNext("/login", next)}
      switchLabel="Log in"
    >
      <AuthInput
        label="Your name"
        error={state.errors.name}
        name="name"
        autoComplete="name"
        value={name}
        onValue={setName}
      />
      <EmailInput label="Work email" error={state.errors.email} value={email} onValue={setEmail} />
      <AuthInput
        label="Password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters`}
        error={state.errors.password}
        type="password"
        name="password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD_LENGTH}
        value={password}
        onValue={setPassword}
      />
    </AuthForm>
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
