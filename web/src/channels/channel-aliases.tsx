import { useState } from "react";
import { errorMessage } from "../api.ts";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { Time } from "../ui/time.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { type ChannelDetail, refreshAliases } from "./channels-api.ts";

const SOURCE: Record<string, string> = {
  proxyAddresses: "Exchange alias",
  mail: "Mail address",
  otherMails: "Other address",
  userPrincipalName: "Sign-in name",
};

/** The addresses Mailroom can reply from, discovered from Microsoft, refreshable on demand. */
export function ChannelAliases({
  channel,
  admin,
  onChanged,
}: {
  channel: ChannelDetail;
  admin: boolean;
  onChanged(): Promise<void>;
}) {
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const refresh = () =>
    void run(async () => {
      setError(null);
      setDone(null);
      try {
        const { aliases } = await refreshAliases(channel.id);
        await onChanged();
        setDone(`Aliases refreshed: ${aliases.length} ${aliases.length === 1 ? "address" : "addresses"}.`);
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  return (
    <section className="card" aria-labelledby="aliases-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="aliases-title">
            Aliases
          </h2>
          <p className="card__description">
            Replies can go out from any of these addresses.{" "}
            {channel.aliasesRefreshedAt ? (
              <>
                Last refreshed <Time value={channel.aliasesRefreshedAt} compact />.
              </>
            ) : null}
          </p>
        </div>
        {admin ? (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={refresh}
            disabled={busy || channel.status !== "connected"}
          >
            {busy ? "Refreshing…" : "Refresh"}
          </button>
        ) : null}
      </div>
      {channel.aliases.length ? (
        <ul className="aliases">
          {channel.aliases.map((alias) => (
            <li key={alias.address} className="aliases__item">
              <span className="aliases__address">{alias.address}</span>
              {alias.isPrimary ? <span className="badge badge--admin">Primary</span> : null}
              <span className="aliases__source">{SOURCE[alias.source] ?? alias.source}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No aliases found.</p>
      )}
      <FormError message={error} />
      <StatusMessage message={done} />
    </section>
  );
}
