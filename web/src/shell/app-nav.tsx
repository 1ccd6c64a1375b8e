import { NavLink } from "react-router";
import { InboxIcon, PlugIcon, TrayIcon, UsersIcon } from "../ui/icons.tsx";

const linkClass = ({ isActive }: { isActive: boolean }) => `nav__link${isActive ? " nav__link--active" : ""}`;

/** Primary navigation: the inbox, then settings. Active links carry aria-current="page". */
export function AppNav({ id, open, onNavigate }: { id: string; open: boolean; onNavigate(): void }) {
  return (
    <nav id={id} className={`nav${open ? " nav--open" : ""}`} aria-label="Main">
      <ul className="nav__list">
        <li>
          <NavLink to="/inbox" className={linkClass} onClick={onNavigate}>
            <InboxIcon className="nav__icon" />
            Inbox
          </NavLink>
        </li>
      </ul>
      <h2 className="nav__section" id={`${id}-settings`}>
        Settings
      </h2>
      <ul className="nav__list" aria-labelledby={`${id}-settings`}>
        <li>
          <NavLink to="/settings/channels" className={linkClass} onClick={onNavigate}>
            <PlugIcon className="nav__icon" />
            Channels
          </NavLink>
        </li>
        <li>
          <NavLink to="/settings/inboxes" className={linkClass} onClick={onNavigate}>
            <TrayIcon className="nav__icon" />
            Inboxes
          </NavLink>
        </li>
        <li>
          <NavLink to="/settings/members" className={linkClass} onClick={onNavigate}>
            <UsersIcon className="nav__icon" />
            Members
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
