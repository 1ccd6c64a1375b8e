/** Back from Microsoft after Cancel on the permissions screen: nothing is wrong, nothing changed. */
export function CancelledNote() {
  return (
    <div className="alert-region" aria-live="polite">
      <p className="note">
        You cancelled on Microsoft's permissions screen, so nothing was connected. When you're ready, click{" "}
        <strong>Connect Outlook</strong> again and choose <strong>Accept</strong>.
      </p>
    </div>
  );
}
