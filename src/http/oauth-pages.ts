// The Authorize popup's server-rendered pages: consent, sign-in, and the outcome. They work
// without the web UI and without scripts (but the outcome's one line that tells the opener).
// Every value is escaped; the pages forbid framing and send forms only to Rota itself.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../core/html-escape.ts';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1f24}
h1{font-size:1.35rem}ul{padding-left:1.2rem}label{display:block;margin:.6rem 0 .2rem}
input[type=email],input[type=password]{width:100%;padding:.45rem;box-sizing:border-box;font:inherit}
button{font:inherit;padding:.45rem 1rem;margin:.8rem .5rem 0 0;cursor:pointer}
.error{color:#a40e26;background:#ffebe9;padding:.5rem .7rem;border-radius:4px}.muted{color:#57606a}`;

export interface Page {
  readonly html: string;
  /** The Content-Security-Policy header the page needs. */
  readonly csp: string;
}

/** `formTargets`: the origins a form's POST may end up at (its redirects included). */
function render(
  title: string,
  body: string,
  formTargets: readonly string[],
  script?: string,
): Page {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    script === undefined ? undefined : `script-src 'nonce-${nonce}'`,
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ]
    .filter((part) => part !== undefined)
    .join('; ');
  const tail = script === undefined ? '' : `\n<script nonce="${nonce}">${script}</script>`;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(title)} · Rota</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}${tail}
</body>
</html>
`;
  return { html, csp };
}

const hidden = (fields: Readonly<Record<string, string | undefined>>): string =>
  Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');

export interface ConsentFacts {
  readonly appName: string;
  readonly userName: string;
  readonly userEmail: string;
  readonly scopes: readonly string[];
  readonly grantExpiresAt: number;
  /** The request's parameters, sent back with the decision, and the session's CSRF token. */
  readonly fields: Readonly<Record<string, string | undefined>>;
  /** Where the decision's redirect goes: the app's redirect URI's origin. */
  readonly redirectOrigin: string;
}

const SCOPE_WORDS: Readonly<Record<string, string>> = {
  read: 'see your projects, schedules and runs',
  write: 'run your schedules’ journeys and test plans for you while you are away',
};

export function consentPage(facts: ConsentFacts): Page {
  const scopes = facts.scopes
    .map((s) => `<li><strong>${escapeHtml(s)}</strong>: ${escapeHtml(SCOPE_WORDS[s] ?? s)}</li>`)
    .join('\n');
  const until = new Date(facts.grantExpiresAt).toISOString().slice(0, 10);
  return render(
    `Authorize ${facts.appName}`,
    `<p><strong>${escapeHtml(facts.appName)}</strong> asks to act on your behalf, as
<strong>${escapeHtml(facts.userName)}</strong> (${escapeHtml(facts.userEmail)}), so that your
schedules run while you are signed out. It may:</p>
<ul>
${scopes}
</ul>
<p class="muted">The authorisation lasts until ${escapeHtml(until)}; you can revoke it at any time.</p>
<form method="post" action="/oauth/authorize">
${hidden(facts.fields)}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
    [facts.redirectOrigin],
  );
}

export interface SignInFacts {
  /** A same-origin relative path to come back to. */
  readonly returnTo: string;
  readonly email?: string | undefined;
  readonly error?: string | undefined;
}

export function signInPage(facts: SignInFacts): Page {
  const error =
    facts.error === undefined ? '' : `<p class="error">${escapeHtml(facts.error)}</p>\n`;
  return render(
    'Sign in to Rota',
    `${error}<p>Sign in to continue.</p>
<form method="post" action="/oauth/sign-in">
${hidden({ return_to: facts.returnTo })}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(facts.email ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
    [],
  );
}

/** The callback's page: it tells the window that opened the popup, for Rota's origin only. */
export function authorizedPage(expiresAt: number, origin: string): Page {
  const until = new Date(expiresAt).toISOString().slice(0, 10);
  const message = JSON.stringify({ type: 'rota:authorized' });
  return render(
    'Authorization successful',
    `<p>Authorization successful — you can close this window.</p>
<p class="muted">Rota may now run your schedules for you until ${escapeHtml(until)}.</p>`,
    [],
    `if (window.opener) window.opener.postMessage(${message}, ${JSON.stringify(origin).replace(/</g, '\\u003c')});`,
  );
}

export const problemPage = (title: string, description: string): Page =>
  render(title, `<p class="error">${escapeHtml(description)}</p>`, []);
