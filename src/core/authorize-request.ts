// The Authorize popup's shapes (SPEC section 7, seed 1 "Authorize"), shared by the flow that
// decides (auth/authorize-flow.ts) and the pages that show it (http/routes/authorize.ts).

/** The signed-in person a page acts for: who, in which tenant, through which session. */
export interface AuthorizingUser {
  readonly userId: string;
  readonly tenantId: string;
  readonly email: string;
  readonly name: string;
  /** SHA-256 of the session id: an attempt is bound to the session that started it. */
  readonly sessionDigest: string;
}

/** `GET|POST /oauth/authorize`'s parameters (RFC 6749 4.1.1, RFC 7636 4.3), as sent. */
export interface AuthorizeParams {
  readonly response_type?: string | undefined;
  readonly client_id?: string | undefined;
  readonly redirect_uri?: string | undefined;
  readonly scope?: string | undefined;
  readonly state?: string | undefined;
  readonly code_challenge?: string | undefined;
  readonly code_challenge_method?: string | undefined;
}

export const AUTHORIZE_PARAM_NAMES = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const satisfies readonly (keyof AuthorizeParams)[];

/** A request the consent page may show: every parameter checked against the registered app. */
export interface AuthorizeConsent {
  readonly kind: 'consent';
  readonly appName: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string | undefined;
  readonly codeChallenge: string;
  /** When a grant made now would end. */
  readonly grantExpiresAt: number;
}

/**
 * Where the person goes: back to the app's redirect URI (with a `code`, or an `error`), or to a
 * page that says what is wrong. With an unknown client, or a redirect URI that is not the
 * registered one, nobody is sent anywhere (RFC 6749 4.1.2.1: no open redirect).
 */
export type AuthorizeAnswer =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'page'; readonly description: string };

export type AuthorizeCheck = AuthorizeConsent | AuthorizeAnswer;

/** What the popup's start endpoint answers: where to go next, or why not. */
export type AuthorizeStart =
  | { readonly ok: true; readonly location: string }
  | { readonly ok: false; readonly code: 'scheduling_not_enabled' };

/** How the callback ended: the grant made, or a sentence for the person. */
export type AuthorizeResult =
  | { readonly ok: true; readonly expiresAt: number }
  | { readonly ok: false; readonly description: string };
