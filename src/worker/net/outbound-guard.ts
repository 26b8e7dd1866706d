// The one way executors reach the network (SPEC section 5). A URL must be http(s) without
// userinfo; its host's resolved addresses are checked at connect time, so DNS answers cannot
// smuggle a private address past a check made earlier; redirects are followed by hand, each hop
// checked again; responses are bounded in size and time.
import { lookup } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Agent, fetch, type RequestInit, type Response } from 'undici';
import { checkAddress, hostAllowed, type AllowList } from './address-policy.ts';

/** An outbound call the guard refused: a run fails with `ssrf_blocked`. */
export class OutboundBlocked extends Error {
  readonly code = 'ssrf_blocked';
}

/** A response larger than the guard's bound: the call fails, nothing is blocked. */
export class ResponseTooLarge extends Error {
  readonly code = 'response_too_large';
}

export interface GuardOptions {
  readonly allow: AllowList;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly maxRedirects?: number;
}

export interface GuardedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly url: string;
}

/** Checks what can be checked before connecting: scheme, userinfo, an address written literally. */
export function checkUrl(text: string, allow: AllowList): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OutboundBlocked(`"${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundBlocked(`${url.protocol} URLs are not allowed; use http or https`);
  }
  if (url.username !== '' || url.password !== '')
    throw new OutboundBlocked('URLs with user names or passwords are not allowed');
  // The URL parser has already turned decimal, octal and hex IPv4 spellings into dotted form.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // An allowed origin is an IP literal, so no DNS answer can point it elsewhere.
  if (allow.origins.has(url.origin) && ipaddr.isValid(host)) return url;
  if (!hostAllowed(host, allow) && /^[\d.]+$|:/.test(host)) {
    const verdict = checkAddress(host, allow);
    if (!verdict.allowed) throw new OutboundBlocked(verdict.reason);
  }
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/** An undici Agent whose DNS answers pass the address policy before any connection is made. */
export function guardedAgent(allow: AllowList): Agent {
  return new Agent({
    connect: {
      lookup(hostname: string, options: { all?: boolean }, callback: LookupCallback) {
        lookup(hostname, { all: true }, (error, addresses) => {
          if (error) return callback(error, []);
          if (!hostAllowed(hostname, allow)) {
            for (const { address } of addresses) {
              const verdict = checkAddress(address, allow);
              if (!verdict.allowed)
                return callback(
                  new OutboundBlocked(`${hostname} resolves to ${verdict.reason}`),
                  [],
                );
            }
          }
          if (options.all) return callback(null, addresses);
          const first = addresses[0];
          return first === undefined
            ? callback(new OutboundBlocked(`${hostname} has no address`), [])
            : callback(null, first.address, first.family);
        });
      },
    },
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Fetches through the guard; throws OutboundBlocked for anything the policy refuses. */
export async function guardedFetch(
  url: string,
  init: RequestInit,
  options: GuardOptions,
): Promise<GuardedResponse> {
  const { allow, timeoutMs = 30_000, maxBytes = 1_048_576, maxRedirects = 5 } = options;
  const dispatcher = guardedAgent(allow);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  try {
    let target = checkUrl(url, allow);
    for (let hop = 0; ; hop++) {
      const response = await fetch(target, {
        ...init,
        redirect: 'manual',
        dispatcher,
        signal,
      }).catch((error: unknown) => {
        throw unwrapBlocked(error) ?? error;
      });
      const location = response.headers.get('location');
      if (REDIRECTS.has(response.status) && location !== null) {
        await response.body?.cancel();
        if (hop >= maxRedirects) throw new OutboundBlocked(`more than ${maxRedirects} redirects`);
        target = checkUrl(new URL(location, target).toString(), allow);
        continue;
      }
      return {
        status: response.status,
        headers: response.headers as unknown as Headers,
        body: await readBounded(response, maxBytes),
        url: target.toString(),
      };
    }
  } finally {
    await dispatcher.close();
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream.
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > maxBytes) break;
    chunks.push(chunk as Uint8Array);
  }
  if (size > maxBytes) throw new ResponseTooLarge(`the response is larger than ${maxBytes} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}

/** undici wraps connect errors; find ours inside. */
function unwrapBlocked(error: unknown): OutboundBlocked | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause)
    if (e instanceof OutboundBlocked) return e;
  return undefined;
}
