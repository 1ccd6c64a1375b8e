import { CopyButton } from "../ui/copy-button.tsx";

/** The exact redirect URI to register in Azure, read-only, with a Copy button. */
export function RedirectUri({ uri, label = "Redirect URI" }: { uri: string; label?: string }) {
  return (
    <div className="copyable">
      <input
        className="input copyable__input redirect-uri"
        readOnly
        value={uri}
        aria-label={label}
        onFocus={(event) => event.currentTarget.select()}
      />
      <CopyButton text={uri} label={`Copy the ${label.toLowerCase()}`} copiedMessage="Redirect URI copied" />
    </div>
  );
}
