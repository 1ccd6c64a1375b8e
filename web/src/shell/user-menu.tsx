import { roleLabel } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { useLogOut } from "../accounts/use-log-out.ts";
import { FormError } from "../ui/form-error.tsx";
import { ChevronDownIcon } from "../ui/icons.tsx";
import { usePopover } from "../ui/use-popover.ts";

/** The signed-in person: avatar button opening a small panel with who they are and Log out. */
export function UserMenu() {
  const me = useMe();
  const { open, setOpen, panelId, root, toggle } = usePopover();
  const { busy, error, logOut } = useLogOut();

  return (
    <div className="user-menu" ref={root}>
      <button
        ref={toggle}
        type="button"
        className="user-menu__toggle"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Account: ${me.user.name}`}
        onClick={() => setOpen((v) => !v)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(me.user.name || me.user.email)}
        </span>
        <span className="user-menu__name">{me.user.name}</span>
        <ChevronDownIcon className="user-menu__chevron" />
      </button>
      <div id={panelId} className="user-menu__panel" hidden={!open}>
        <p className="user-menu__who">
          <strong>{me.user.name}</strong>
          <span>{me.user.email}</span>
          {me.org ? (
            <span className="user-menu__role">
              {roleLabel[me.org.role]} · {me.org.name}
            </span>
          ) : null}
        </p>
        <button type="button" className="user-menu__item" onClick={() => logOut()} disabled={busy}>
          {busy ? "Logging out…" : "Log out"}
        </button>
        <FormError message={error} />
      </div>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [name.trim()[0]];
  return letters.join("").toUpperCase() || "?";
}
