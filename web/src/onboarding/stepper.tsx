import { CheckIcon } from "../ui/icons.tsx";
import { ONBOARDING_STEPS } from "./onboarding-steps.ts";

/**
 * Visible progress through onboarding: done steps get a check, the current one is marked (and
 * ticked too once it is done, e.g. a mailbox connected on the last step).
 */
export function Stepper({ current, currentDone = false }: { current: number; currentDone?: boolean }) {
  return (
    <div className="stepper">
      <p className="stepper__count">
        Step {current + 1} of {ONBOARDING_STEPS.length}
      </p>
      <ol className="stepper__list" aria-label="Setup progress">
        {ONBOARDING_STEPS.map((step, index) => {
          const state =
            index < current || (index === current && currentDone)
              ? "done"
              : index === current
                ? "current"
                : "upcoming";
          return (
            <li
              key={step.path}
              className={`stepper__step stepper__step--${state}`}
              aria-current={index === current ? "step" : undefined}
            >
              <span className="stepper__marker" aria-hidden="true">
                {state === "done" ? <CheckIcon className="stepper__check" /> : index + 1}
              </span>
              <span className="stepper__label">
                {step.label}
                {state === "done" ? <span className="visually-hidden"> (done)</span> : null}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
