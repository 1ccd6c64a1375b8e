import { useState } from "react";
import { useNavigate } from "react-router";
import { setActiveOrg } from "../accounts/accounts-api.ts";
import { homeFor } from "../accounts/route-guards.tsx";
import { useMe, useSession } from "../accounts/session.tsx";
import { errorMessage } from "../api.ts";
import { restartLiveEvents } from "../live/live-events.ts";
import { useAsyncAction } from "../ui/use-async-action.ts";

/** The active organization's name; a switcher when the user belongs to several. */
export function OrgSwitcher() {
  const me = useMe();
  const { reload } = useSession();
  const navigate = useNavigate();
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const org = me.org;
  if (!org) return null;

  if (me.orgs.length < 2) {
    return (
      <p className="org-switcher__name" title={org.name}>
        {org.name}
      </p>
    );
  }

  const switchTo = (orgId: string) =>
    void run(async () => {
      setError(null);
      try {
        await setActiveOrg(orgId);
        const next = await reload();
        restartLiveEvents();
        if (next) navigate(homeFor(next));
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  return (
    <div className="org-switcher">
      <label className="visually-hidden" htmlFor="org-switcher">
        Organization
      </label>
      <select
        id="org-switcher"
        className="org-switcher__select"
        value={org.id}
        disabled={busy}
        onChange={(e) => switchTo(e.target.value)}
      >
        {me.orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      {error ? (
        <p className="org-switcher__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
