import { Navigate, Route, Routes } from "react-router";
import { InvitationPage } from "./accounts/invitation-page.tsx";
import { LoginPage } from "./accounts/login-page.tsx";
import {
  GuestOnly,
  HomeRedirect,
  RequireAuth,
  RequireReadyOrg,
  SessionGate,
} from "./accounts/route-guards.tsx";
import { SessionProvider } from "./accounts/session.tsx";
import { SignupPage } from "./accounts/signup-page.tsx";
import { ChannelConnectedPage } from "./channels/channel-connected-page.tsx";
import { ChannelPage } from "./channels/channel-page.tsx";
import { ChannelsPage } from "./channels/channels-page.tsx";
import { NewChannelPage } from "./channels/new-channel-page.tsx";
import { NewOutlookChannelPage } from "./channels/new-outlook-channel-page.tsx";
import { InboxPage } from "./inbox/inbox-page.tsx";
import { InboxesPage } from "./inboxes/inboxes-page.tsx";
import { MembersPage } from "./members/members-page.tsx";
import { NotFoundPage } from "./not-found-page.tsx";
import { ConnectInboxStep } from "./onboarding/connect-inbox-step.tsx";
import { CreateOrgStep } from "./onboarding/create-org-step.tsx";
import { InviteTeamStep } from "./onboarding/invite-team-step.tsx";
import { OnboardingLayout } from "./onboarding/onboarding-layout.tsx";
import { CredentialsPage } from "./outlook/credentials-page.tsx";
import { OutlookProblemPage } from "./outlook/problem-page.tsx";
import { AppShell } from "./shell/app-shell.tsx";

/** Every screen and who may see it. */
export function App() {
  return (
    <SessionProvider>
      <SessionGate>
        <Routes>
          <Route path="/" element={<HomeRedirect />} />
          <Route element={<GuestOnly />}>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<SignupPage />} />
          </Route>
          <Route path="/invite/:id" element={<InvitationPage />} />
          <Route element={<RequireAuth />}>
            <Route path="/onboarding" element={<OnboardingLayout />}>
              <Route path="organization" element={<CreateOrgStep />} />
              <Route path="team" element={<InviteTeamStep />} />
              <Route path="connect" element={<ConnectInboxStep />} />
              <Route path="*" element={null} />
            </Route>
            <Route path="/outlook/problem/:problem" element={<OutlookProblemPage />} />
            <Route element={<RequireReadyOrg />}>
              <Route element={<AppShell />}>
                <Route path="/inbox" element={<InboxPage />} />
                <Route path="/settings" element={<Navigate to="/settings/members" replace />} />
                <Route path="/settings/channels" element={<ChannelsPage />} />
                <Route path="/settings/channels/new" element={<NewChannelPage />} />
                <Route path="/settings/channels/new/outlook" element={<NewOutlookChannelPage />} />
                <Route path="/settings/channels/credentials" element={<CredentialsPage />} />
                <Route path="/settings/channels/:id" element={<ChannelPage />} />
                <Route path="/settings/channels/:id/connected" element={<ChannelConnectedPage />} />
                <Route path="/settings/inboxes" element={<InboxesPage />} />
                <Route path="/settings/members" element={<MembersPage />} />
              </Route>
            </Route>
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </SessionGate>
    </SessionProvider>
  );
}
