import type { ReactNode } from "react";
import { LogoMark } from "../ui/icons.tsx";

interface AuthLayoutProps {
  children: ReactNode;
  /** Wider card for multi-step content (onboarding). */
  wide?: boolean;
  /** Shown at the right of the brand bar, e.g. who is signed in and Log out. */
  aside?: ReactNode;
}

/** The centred card used by sign up, log in, invitations and onboarding. */
export function AuthLayout({ children, wide, aside }: AuthLayoutProps) {
  return (
    <div className="auth">
      <header className="auth__bar">
        <div className="auth__brand">
          <LogoMark className="auth__logo" />
          <span className="auth__name">Mailroom</span>
        </div>
        {aside ? <div className="auth__aside">{aside}</div> : null}
      </header>
      <main className={`auth__card${wide ? " auth__card--wide" : ""}`}>{children}</main>
    </div>
  );
}
