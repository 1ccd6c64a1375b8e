import { useCallback, useEffect, useRef, useState } from "react";
import { type Invitation, listInvitations, listMembers, type Member } from "../accounts/accounts-api.ts";
import { errorMessage } from "../api.ts";
import { RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";

interface Team {
  members: Member[] | null;
  /** Pending invitations; only loaded for people who can manage the org. */
  invitations: Invitation[];
  error: string | null;
  reload(): Promise<void>;
}

/** The org's members (and pending invitations for admins), kept fresh by live events. */
export function useTeam(withInvitations: boolean): Team {
  const [members, setMembers] = useState<Member[] | null>(null);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const reload = useCallback(async () => {
    const request = ++latest.current;
    try {
      const [m, i] = await Promise.all([
        listMembers(),
        withInvitations ? listInvitations() : Promise.resolve({ invitations: [] }),
      ]);
      if (request !== latest.current) return; // a newer load already answered
      setMembers(m.members);
      setInvitations(i.invitations.filter((inv) => inv.status === "pending"));
      setError(null);
    } catch (e) {
      if (request === latest.current) setError(errorMessage(e));
    }
  }, [withInvitations]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useLiveEvents((event) => {
    if (event.type === "members.updated" || event.type === RECONNECTED) {
      void reload();
    }
  });

  return { members, invitations, error, reload };
}
