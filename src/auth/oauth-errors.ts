// The token endpoint's error codes (RFC 6749 section 5.2) and the resource server's (RFC 6750
// section 3.1), as they appear in `{"error", "error_description"}` and `WWW-Authenticate`.

export const OAuthErrorCode = {
  invalid_request: 'invalid_request',
  invalid_client: 'invalid_client',
  unsupported_grant_type: 'unsupported_grant_type',
  invalid_scope: 'invalid_scope',
  invalid_grant: 'invalid_grant',
  unauthorized_client: 'unauthorized_client',
  invalid_token: 'invalid_token',
} as const;
export type OAuthErrorCode = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode];

export interface OAuthFailure<C extends OAuthErrorCode = OAuthErrorCode> {
  readonly ok: false;
  readonly error: C;
  /** Safe to show the caller: says what was wrong, never which secret or key was tried. */
  readonly description: string;
}

export const oauthFailure = <C extends OAuthErrorCode>(
  error: C,
  description: string,
): OAuthFailure<C> => ({ ok: false, error, description });
