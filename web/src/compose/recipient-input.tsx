import type { Recipient } from "@mailroom/contract";
import { recipient as recipientSchema } from "@mailroom/contract";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { personWithAddress } from "../ui/person.ts";

interface RecipientInputProps {
  label: string;
  value: Recipient[];
  onChange(next: Recipient[]): void;
  /** The server's complaint about this field, if any. */
  error?: string | undefined;
  /** Takes the keyboard when it first shows (a new email or forward starts with its To). */
  focusOnOpen?: boolean;
}

/**
 * To / Cc / Bcc as chips: an address becomes a chip on Enter, comma, semicolon or leaving the
 * field, if it is an email address (the contract's own check); otherwise it stays in the input,
 * marked invalid, with the reason.
 */
export function RecipientInput({ label, value, onChange, error, focusOnOpen }: RecipientInputProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when it first shows.
  useEffect(() => {
    if (focusOnOpen) input.current?.focus();
  }, []);
  const [text, setText] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);

  const commit = (raw: string): boolean => {
    const parts = raw.split(/[,;\s]+/).filter(Boolean);
    if (parts.length === 0) return true;
    const parsed = parts.map((part) => recipientSchema.safeParse({ address: parseAddress(part) }));
    const bad = parts.filter((_, i) => !parsed[i]!.success);
    const good = parsed.flatMap((p) => (p.success ? [p.data] : []));
    const known = new Set(value.map((r) => r.address.toLowerCase()));
    onChange([...value, ...good.filter((r) => !known.has(r.address.toLowerCase()))]);
    setText(bad.join(", "));
    setInvalid(bad.length ? `Not an email address: ${bad.join(", ")}` : null);
    return bad.length === 0;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (["Enter", ",", ";"].includes(event.key)) {
      event.preventDefault();
      commit(text);
    } else if (event.key === "Backspace" && text === "" && value.length) {
      onChange(value.slice(0, -1));
    }
  };

  const message = invalid ?? error;
  return (
    <div className={`recipients${message ? " recipients--invalid" : ""}`}>
      <label className="recipients__label" htmlFor={id}>
        {label}
      </label>
      <ul className="recipients__chips" aria-label={`${label} recipients`}>
        {value.map((r) => (
          <li key={r.address} className="chip">
            <span className="chip__label" title={r.address}>
              {personWithAddress(r)}
            </span>
            <button
              type="button"
              className="chip__remove"
              aria-label={`Remove ${r.address}`}
              onClick={() => onChange(value.filter((x) => x !== r))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <input
        ref={input}
        id={id}
        className="recipients__input"
        type="text"
        autoComplete="email"
        value={text}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          setInvalid(null);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => commit(text)}
      />
      {message ? (
        <p className="field__error" id={`${id}-error`}>
          {message}
        </p>
      ) : null}
    </div>
  );
}

/** `Name <a@b>` or `<a@b>` → `a@b`; anything else as typed. */
function parseAddress(part: string): string {
  const angle = /<([^>]+)>/.exec(part);
  return (angle ? angle[1]! : part).trim();
}
