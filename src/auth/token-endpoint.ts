// `POST /oauth/token` by grant type: machine clients' client credentials (token-service.ts), and
// the scheduling app's authorisation code and refresh token (grant-tokens.ts).
import type { TokenRequest, TokenResponse } from '../core/token-request.ts';
import type { GrantTokens } from './grant-tokens.ts';
import type { OAuthFailure } from './oauth-errors.ts';
import type { TokenService } from './token-service.ts';

export type TokenAnswer = { readonly ok: true; readonly response: TokenResponse } | OAuthFailure;

export function tokenEndpoint(
  service: TokenService,
  grants: GrantTokens,
): (request: TokenRequest) => Promise<TokenAnswer> {
  return (request) => {
    const client = { clientId: request.clientId, clientSecret: request.clientSecret };
    switch (request.grantType) {
      case 'authorization_code':
        return grants.exchangeCode({
          ...client,
          code: request.code,
          redirectUri: request.redirectUri,
          codeVerifier: request.codeVerifier,
        });
      case 'refresh_token':
        return grants.refresh({ ...client, refreshToken: request.refreshToken });
      default:
        return service.token(request);
    }
  };
}
