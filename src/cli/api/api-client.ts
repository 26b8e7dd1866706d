// The CLI's way to the REST API: a client-credentials token from /oauth/token (kept until shortly
// before it expires), JSON requests with it, and problem+json answers turned into ApiProblem.
import { nothingAnswers } from '../server-url.ts';
import type { Credentials } from './credentials.ts';

/** An error answer of the API (RFC 9457), or a server that could not be reached (status 0). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: readonly {
    readonly field: string;
    readonly code: string;
    readonly message: string;
  }[];
  constructor(status: number, code: string, detail: string, errors: ApiProblem['errors'] = []) {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}

export interface ApiClient {
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

type Fetch = typeof fetch;

/** Seconds before a token's expiry at which a new one is fetched. */
const EXPIRY_MARGIN_S = 30;

export function apiClient(
  credentials: Credentials,
  now: () => number,
  fetchFn: Fetch = fetch,
): ApiClient {
  const base = credentials.url.replace(/\/+$/, '');
  let token: { value: string; until: number } | undefined;

  async function send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetchFn(`${base}${path}`, init);
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new ApiProblem(0, 'server_unreachable', nothingAnswers(base, cause ?? String(error)));
    }
  }

  async function bearer(): Promise<string> {
    if (token !== undefined && now() < token.until) return token.value;
    const basic = Buffer.from(`${credentials.client_id}:${credentials.client_secret}`).toString(
      'base64',
    );
    const response = await send('/oauth/token', {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof answer.access_token !== 'string') {
      throw new ApiProblem(
        response.status,
        'token_refused',
        `The token endpoint refused these credentials (${typeof answer.error_description === 'string' ? answer.error_description : response.statusText}): run rota login again.`,
      );
    }
    const lifetime = typeof answer.expires_in === 'number' ? answer.expires_in : 300;
    token = {
      value: answer.access_token,
      until: now() + Math.max(0, lifetime - EXPIRY_MARGIN_S) * 1000,
    };
    return token.value;
  }

  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await send(path, {
        method,
        headers: {
          authorization: `Bearer ${await bearer()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
      if (!response.ok) {
        const problem = (parsed ?? {}) as Record<string, unknown>;
        throw new ApiProblem(
          response.status,
          typeof problem.code === 'string' ? problem.code : `http_${response.status}`,
          typeof problem.detail === 'string' ? problem.detail : response.statusText,
          Array.isArray(problem.errors) ? (problem.errors as ApiProblem['errors']) : [],
        );
      }
      return parsed as T;
    },
  };
}
