import { useState } from "react";
import { Link } from "react-router";
import type { Invitation } from "../accounts/accounts-api.ts";
import { InvitationLinks } from "../members/invitation-links.tsx";
import { InviteForm } from "../members/invite-form.tsx";
import { PageHeading } from "../ui/page.tsx";
import { onboardingUrl } from "./onboarding-steps.ts";

/** Step 2: invite teammates (optional) and share their links. */
export function InviteTeamStep() {
  const [invited, setInvited] = useState<Invitation[]>([]);
  return (
    <section className="step">
      <PageHeading title="Invite your team" className="step__title" />
      <p className="step__lead">
        Add the people who answer customer mail with you. Each invitation comes with a link you can share
        however you like; it stays valid for a few days.
      </p>
      <InviteForm onInvited={(invitation) => setInvited((list) => [...list, invitation])} />
      <InvitationLinks invitations={invited} />
      <div className="step__actions">
        <Link
          to={onboardingUrl("connect")}
          className={`button ${invited.length ? "button--primary" : "button--secondary"}`}
        >
          {invited.length ? "Continue" : "Skip"}
        </Link>
      </div>
    </section>
  );
}
