import type { ConsentSection } from './describe-grant';

export interface ConsentPageModel {
  clientName: string;
  clientUri: string;
  sections: ConsentSection[];
  /** Where the form posts (this page's own URL). */
  action: string;
  csrf: string;
  /** Shown above the form after a refused attempt (e.g. a wrong secret). */
  error?: string;
}

/** Everything put into HTML goes through here: names and URLs come from the client. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1d232a}
h1{font-size:1.4rem}section{border:1px solid #d0d7de;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
h2{font-size:1.05rem;margin:.2rem 0}.wallet{font-family:monospace;word-break:break-all;color:#57606a}
.error{background:#ffebe9;border:1px solid #ff8182;border-radius:8px;padding:.5rem 1rem}
label{display:block;margin:1rem 0 .3rem}input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}
.buttons{display:flex;gap:1rem;margin-top:1rem}button{flex:1;padding:.6rem;font-size:1rem;border-radius:6px;cursor:pointer}
button[value=accept]{background:#1f883d;color:#fff;border:0}button[value=reject]{background:#fff;border:1px solid #cf222e;color:#cf222e}`;

/**
 * The built-in consent page: server-rendered, no scripts and no external assets (the response's CSP forbids both).
 * Accepting needs the consent secret; rejecting does not, since refusing access can harm nobody.
 */
export function renderConsentPage(model: ConsentPageModel): string {
  const sections = model.sections
    .map(
      (section) =>
        `<section><h2>${escapeHtml(section.title)}</h2>${
          section.walletAddress === undefined ? '' : `<div class="wallet">${escapeHtml(section.walletAddress)}</div>`
        }<ul>${section.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul></section>`,
    )
    .join('\n');
  return page(
    'Grant access?',
    `<h1>${escapeHtml(model.clientName)} asks for access</h1>
<p>Client: <span class="wallet">${escapeHtml(model.clientUri)}</span></p>
${model.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(model.error)}</p>`}
${sections}
<form method="post" action="${escapeHtml(model.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}">
<label for="secret">Consent secret (needed to accept)</label>
<input type="password" id="secret" name="secret" autocomplete="current-password">
<div class="buttons"><button type="submit" name="choice" value="accept">Accept</button>
<button type="submit" name="choice" value="reject">Reject</button></div>
</form>`,
  );
}

/** A short page for the end of an interaction that has nowhere to redirect, or for a refusal. */
export function renderMessagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body></html>
`;
}

/**
 * Headers for every HTML response: no framing (a consent page in a frame invites clickjacking), no scripts, no
 * caching. `form-action` is left out on purpose: Chrome applies it to the redirect chain after the form is submitted,
 * which ends at the client's finish URI on another origin.
 */
export const HTML_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};
