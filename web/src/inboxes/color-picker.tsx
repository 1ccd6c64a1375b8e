import { CheckIcon } from "../ui/icons.tsx";
import { colorClass, colorLabel } from "./inbox-colors.ts";
import { INBOX_COLORS, type InboxColor } from "./inboxes-api.ts";

interface ColorPickerProps {
  value: InboxColor;
  onChange(color: InboxColor): void;
  error?: string | undefined;
  disabled?: boolean;
}

/** The palette as a radio group: each swatch is named, so colour is never the only cue. */
export function ColorPicker({ value, onChange, error, disabled }: ColorPickerProps) {
  return (
    <fieldset
      className={`fieldset${error ? " field--invalid" : ""}`}
      aria-describedby={error ? "inbox-color-error" : undefined}
      disabled={disabled}
    >
      <legend className="field__label">Colour</legend>
      <div className="swatches">
        {INBOX_COLORS.map((color) => (
          <label key={color} className={`swatch ${colorClass(color)}`}>
            <input
              className="swatch__input"
              type="radio"
              name="color"
              value={color}
              checked={value === color}
              onChange={() => onChange(color)}
            />
            <span className="swatch__dot" aria-hidden="true">
              <CheckIcon className="swatch__check" />
            </span>
            <span className="swatch__name">{colorLabel[color]}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p className="field__error" id="inbox-color-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
