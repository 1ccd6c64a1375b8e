/** The onboarding stepper, in order. Each step has its own URL so a reload stays put. */
export const ONBOARDING_STEPS = [
  { path: "organization", label: "Create your organization" },
  { path: "team", label: "Invite your team" },
  { path: "connect", label: "Connect an inbox" },
] as const;

export type OnboardingStepPath = (typeof ONBOARDING_STEPS)[number]["path"];

export const onboardingUrl = (step: OnboardingStepPath) => `/onboarding/${step}`;
