import { Link } from "react-router";
import type { ReturnTo } from "./outlook-api.ts";
import { MICROSOFT_ERROR_CODES } from "./outlook-problems.ts";

/**
 * Microsoft shows some errors on its own page and never sends the person back: this small
 * disclosure on the connect pages maps those codes to our explanations.
 */
export function MicrosoftErrorHelp({ from }: { from: ReturnTo }) {
  return (
    <details className="disclosure disclosure--quiet">
      <summary className="disclosure__summary">Microsoft showed an error code?</summary>
      <div className="disclosure__body">
        <p className="muted">
          Some problems stop on Microsoft's own page. Find the code it showed (it starts with AADSTS):
        </p>
        <ul className="error-codes">
          {MICROSOFT_ERROR_CODES.map((entry) => (
            <li key={entry.problem}>
              <Link to={`/outlook/problem/${entry.problem}?from=${from}`}>
                <code>{entry.codes}</code>
              </Link>{" "}
              <span className="muted">— {entry.summary}</span>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
