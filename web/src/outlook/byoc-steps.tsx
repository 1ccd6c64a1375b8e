/** How to register the Azure app, in the seed's three steps (plain text: no links to go stale). */
export function ByocSteps() {
  return (
    <section className="byoc-steps" aria-labelledby="byoc-steps-title">
      <h3 className="byoc-steps__title" id="byoc-steps-title">
        Register an app in Azure Portal
      </h3>
      <ol className="byoc-steps__list">
        <li>
          <strong>Register the app.</strong> In Azure Portal › Microsoft Entra ID › App registrations, click{" "}
          <em>New registration</em>. For supported account types choose “Accounts in any organizational
          directory and personal Microsoft accounts”; for the redirect URI choose <em>Web</em> and paste the
          one below.
        </li>
        <li>
          <strong>Add API permissions.</strong> API permissions › Add a permission › Microsoft Graph ›
          Delegated permissions: <code>Mail.ReadWrite</code>, <code>Mail.Send</code>, <code>User.Read</code>.
          If you're an admin, click <em>Grant admin consent</em>.
        </li>
        <li>
          <strong>Create a client secret.</strong> Certificates &amp; secrets › New client secret (24 months
          is a good expiry). Copy its <em>Value</em> right away — it's shown only once — then copy the
          Application (client) ID from the Overview page.
        </li>
      </ol>
    </section>
  );
}
