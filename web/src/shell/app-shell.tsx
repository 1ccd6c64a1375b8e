import { useEffect, useState } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { AttentionBanner } from "../attention/attention-banner.tsx";
import { NotificationBell } from "../attention/notification-bell.tsx";
import { CloseIcon, LogoMark, MenuIcon } from "../ui/icons.tsx";
import { AppNav } from "./app-nav.tsx";
import { OrgSwitcher } from "./org-switcher.tsx";
import { UserMenu } from "./user-menu.tsx";

const NAV_ID = "app-nav";

/**
 * The signed-in frame: a header (org, account), the banner of mailboxes that need attention, the
 * navigation (a sidebar on wide screens, a menu button on phones) and the page in <main>.
 */
export function AppShell() {
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();

  // Any navigation closes the phone menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on route change by design
  useEffect(() => setNavOpen(false), [location.pathname]);

  useEffect(() => {
    if (!navOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setNavOpen(false);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [navOpen]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <button
          type="button"
          className="shell__menu-button"
          aria-expanded={navOpen}
          aria-controls={NAV_ID}
          onClick={() => setNavOpen((v) => !v)}
        >
          {navOpen ? <CloseIcon className="shell__menu-icon" /> : <MenuIcon className="shell__menu-icon" />}
          <span className="visually-hidden">Menu</span>
        </button>
        <Link to="/inbox" className="shell__brand" aria-label="Mailroom home">
          <LogoMark className="shell__logo" />
        </Link>
        <OrgSwitcher />
        <div className="shell__spacer" />
        <NotificationBell />
        <UserMenu />
      </header>
      <AttentionBanner />
      <div className="shell__body">
        <AppNav id={NAV_ID} open={navOpen} onNavigate={() => setNavOpen(false)} />
        <main id="main" className="shell__main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
