// A request to the token endpoint and its answer (RFC 6749 sections 4.1, 4.4, 5.1 and 6), as the HTTP
// face reads it from a form or JSON body and the token service answers it. Types only.

/** The fields of a token request, each as sent (absent: undefined). */
export interface TokenRequest {
  readonly grantType: string | undefined;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly scope: string | undefined;
  /** `authorization_code` (RFC 6749 section 4.1.3, RFC 7636 section 4.5). */
  readonly code?: string | undefined;
  readonly redirectUri?: string | undefined;
  readonly codeVerifier?: string | undefined;
  /** `refresh_token` (RFC 6749 section 6). */
  readonly refreshToken?: string | undefined;
  /** Where the request came from, for the audit log. */
  readonly ip?: string | undefined;
}

/** An issued access token (RFC 6749 section 5.1). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
  /** Issued with the authorisation-code grant and rotated by every refresh. */
  readonly refresh_token?: string;
}
