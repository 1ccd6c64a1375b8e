import { useEffect, useState } from "react";

interface CopyButtonProps {
  text: string;
  /** What is being copied, for screen readers: "Copy invitation link for ana@example.com". */
  label: string;
  className?: string;
  /** Announced after copying; "Link copied" unless told. */
  copiedMessage?: string;
}

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, label, className, copiedMessage = "Link copied" }: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2_000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <>
      <button
        type="button"
        className={`button button--secondary button--small ${className ?? ""}`}
        onClick={copy}
        aria-label={label}
      >
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {state === "copied"
          ? copiedMessage
          : state === "failed"
            ? "Couldn't copy — select the text and copy it"
            : ""}
      </span>
    </>
  );
}

/** A read-only link with a Copy button beside it (invitation links). */
export function CopyableLink({ url, label }: { url: string; label: string }) {
  return (
    <div className="copyable">
      <input
        className="input copyable__input"
        readOnly
        value={url}
        aria-label={label}
        onFocus={(event) => event.currentTarget.select()}
      />
      <CopyButton text={url} label={`Copy ${label.toLowerCase()}`} />
    </div>
  );
}
