import { type RefObject, useEffect } from "react";

/**
 * After a submit fails validation, moves focus to the first invalid control so keyboard and
 * screen-reader users land on the problem. Runs whenever the `errors` object changes.
 */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, errors: object): void {
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, errors]);
}
