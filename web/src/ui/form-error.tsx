/** A form- or page-level error, announced to screen readers as soon as it appears. */
export function FormError({ message }: { message: string | null | undefined }) {
  return (
    <div className="alert-region" aria-live="assertive" aria-atomic="true">
      {message ? <p className="alert alert--error">{message}</p> : null}
    </div>
  );
}

/** A quiet confirmation ("Invitation created"), announced politely. */
export function StatusMessage({ message }: { message: string | null | undefined }) {
  return (
    <div className="alert-region" aria-live="polite" aria-atomic="true">
      {message ? <p className="alert alert--success">{message}</p> : null}
    </div>
  );
}
