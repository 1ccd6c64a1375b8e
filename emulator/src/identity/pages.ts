/**
 * Server-rendered sign-in, account picker, password, consent and error pages, looking roughly
 * like Microsoft's and built to be driven by role and label (Playwright) or by plain form posts
 * (tests): every input has a label, every button a name. No external assets.
 */
import type { AadstsErrorBody } from "../errors/aadsts-error.ts";

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `body{margin:0;font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;color:#1b1b1b}
main{max-width:440px;margin:8vh auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.brand{font-weight:600;color:#737373;margin-bottom:16px}h1{font-size:24px;font-weight:600;margin:0 0 16px}
label{display:block;margin:12px 0 4px}input[type=email],input[type=password],input[type=text]{width:100%;box-sizing:border-box;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:15px}
.actions{display:flex;gap:8px;justify-content:flex-end;margin-top:24px}button{padding:6px 20px;font-size:15px;border:1px solid #8c8c8c;background:#ccc;cursor:pointer}
button.primary{background:#0067b8;color:#fff;border-color:#0067b8}.error{color:#e81123;margin:8px 0}
ul.accounts{list-style:none;padding:0}ul.accounts button{width:100%;text-align:left;background:#fff;border:0;border-bottom:1px solid #eee;padding:12px}
.small{font-size:13px;color:#555;word-break:break-word}.identity{margin-bottom:12px}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body><main><div class="brand" aria-hidden="true">Microsoft</div>${body}</main></body></html>`;
}

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
const errorText = (error?: string) =>
  error ? `<p class="error" role="alert" id="error">${escapeHtml(error)}</p>` : "";

export interface FormTarget {
  /** The `{tenant}` segment; forms post to `/{tenant}/login/...`. */
  tenant: string;
  flow: string;
}

const action = (target: FormTarget, step: string) => `/${encodeURIComponent(target.tenant)}/login/${step}`;

export function signInPage(target: FormTarget, options: { email?: string; error?: string } = {}): string {
  return layout(
    "Sign in to your account",
    `<h1>Sign in</h1><form method="post" action="${action(target, "username")}">${hidden("flow", target.flow)}
<label for="login">Email, phone, or Skype</label>
<input type="email" id="login" name="login" autocomplete="username" required value="${escapeHtml(options.email ?? "")}" aria-describedby="error">
${errorText(options.error)}<div class="actions"><button type="submit" class="primary">Next</button></div></form>`,
  );
}

export function pickAccountPage(
  target: FormTarget,
  accounts: { id: string; userPrincipalName: string; displayName: string }[],
): string {
  const items = accounts
    .map(
      (a) =>
        `<li><button type="submit" name="account" value="${escapeHtml(a.id)}">${escapeHtml(a.displayName)} ${escapeHtml(a.userPrincipalName)}</button></li>`,
    )
    .join("");
  return layout(
    "Sign in to your account",
    `<h1>Pick an account</h1><form method="post" action="${action(target, "select")}">${hidden("flow", target.flow)}
<ul class="accounts">${items}<li><button type="submit" name="account" value="">Use another account</button></li></ul></form>`,
  );
}

export function passwordPage(target: FormTarget, email: string, error?: string): string {
  return layout(
    "Sign in to your account",
    `<div class="identity small">${escapeHtml(email)}</div><h1>Enter password</h1>
<form method="post" action="${action(target, "password")}">${hidden("flow", target.flow)}${hidden("login", email)}
<label for="passwd">Password</label>
<input type="password" id="passwd" name="passwd" autocomplete="current-password" required aria-describedby="error">
${errorText(error)}<div class="actions"><button type="submit" class="primary">Sign in</button></div></form>`,
  );
}

export interface ConsentView {
  appName: string;
  publisher: string;
  userPrincipalName: string;
  permissions: string[];
  /** Admins may also consent for the whole organization. */
  offerOrgConsent: boolean;
}

export function consentPage(target: FormTarget, view: ConsentView): string {
  const items = view.permissions.map((text) => `<li>${escapeHtml(text)}</li>`).join("");
  const org = view.offerOrgConsent
    ? `<p><input type="checkbox" id="org" name="consentForOrg" value="1"><label for="org" style="display:inline">Consent on behalf of your organization</label></p>`
    : "";
  return layout(
    "Permissions requested",
    `<div class="identity small">${escapeHtml(view.userPrincipalName)}</div><h1>Permissions requested</h1>
<p><strong id="app-name">${escapeHtml(view.appName)}</strong><br><span class="small">${escapeHtml(view.publisher)}</span></p>
<p>This app would like to:</p><ul aria-label="Requested permissions">${items}</ul>
<form method="post" action="${action(target, "consent")}">${hidden("flow", target.flow)}${org}
<p class="small">Accepting these permissions means that you allow this app to use your data as specified in their terms of service and privacy statement.</p>
<div class="actions"><button type="submit" name="decision" value="cancel">Cancel</button><button type="submit" name="decision" value="accept" class="primary">Accept</button></div></form>`,
  );
}

export function adminApprovalPage(target: FormTarget, appName: string, failure: AadstsErrorBody): string {
  return layout(
    "Need admin approval",
    `<h1>Need admin approval</h1><p><strong>${escapeHtml(appName)}</strong> needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
${errorDetails(failure)}<form method="post" action="${action(target, "consent")}">${hidden("flow", target.flow)}
<div class="actions"><button type="submit" name="decision" value="cancel">Return to the application without granting consent</button></div></form>`,
  );
}

function errorDetails(failure: AadstsErrorBody): string {
  const [message] = failure.error_description.split("\r\n");
  return `<p role="alert" id="error-message">${escapeHtml(message ?? "")}</p>
<dl class="small"><dt>Request Id</dt><dd>${escapeHtml(failure.trace_id)}</dd><dt>Correlation Id</dt><dd>${escapeHtml(failure.correlation_id)}</dd><dt>Timestamp</dt><dd>${escapeHtml(failure.timestamp)}</dd></dl>`;
}

/** Shown instead of redirecting when the app or redirect URI can't be trusted (e.g. AADSTS50011). */
export function errorPage(failure: AadstsErrorBody): string {
  return layout(
    "Sign in to your account",
    `<h1>Sign in</h1><p>Sorry, but we're having trouble signing you in.</p>${errorDetails(failure)}`,
  );
}

/** response_mode=form_post: posts the answer to the redirect URI. */
export function formPostPage(redirectUri: string, params: Record<string, string>): string {
  const fields = Object.entries(params)
    .map(([name, value]) => hidden(name, value))
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${fields}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
