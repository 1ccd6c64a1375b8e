import { useState } from "react";
import { errorMessage } from "../api.ts";
import { useAsyncAction } from "./use-async-action.ts";

/**
 * An action on one item that a dialog confirms first (delete an inbox, remove a member): `ask`
 * opens it for the item, `confirm` runs the action once and closes it when done, `cancel` closes
 * it; a failure stays in the open dialog as `error`.
 */
export function useConfirmedAction<Item>(act: (item: Item) => Promise<void>) {
  const [target, setTarget] = useState<Item | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();
  const ask = (item: Item) => {
    setError(null);
    setTarget(item);
  };
  const confirm = () =>
    void run(async () => {
      if (!target) return;
      setError(null);
      try {
        await act(target);
      } catch (e) {
        setError(errorMessage(e));
      }
    });
  return { target, error, busy, ask, confirm, cancel: () => setTarget(null) };
}
