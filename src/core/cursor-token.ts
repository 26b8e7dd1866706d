// A page cursor's token: a small JSON object as unpadded base64url, the one spelling every
// paginated list hands out (ADR 14). Decoding is strict: only the exact spelling `encode` gives
// decodes, so an altered token is refused before any query sees it. Pure: no Buffer, no node:*.

type CursorFields = Readonly<Record<string, string | number>>;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(token: string): string | undefined {
  if (!BASE64URL.test(token)) return undefined;
  try {
    const binary = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export const encodeCursorToken = (fields: CursorFields): string =>
  toBase64Url(JSON.stringify(fields));

/** The fields of a token `encodeCursorToken` spelled exactly; undefined for anything else. */
export function decodeCursorToken(token: string): Record<string, unknown> | undefined {
  const text = fromBase64Url(token);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (toBase64Url(JSON.stringify(value)) !== token) return undefined;
  return value as Record<string, unknown>;
}
