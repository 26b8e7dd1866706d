// The session cookie (SPEC section 7): its name, how a `Cookie` header is read, and the
// `Set-Cookie` values that set and clear it. Pure, so the credential (http) and the session
// service (auth) agree on every detail without importing each other.

export const SESSION_COOKIE = 'rota_session';

/** The value of cookie `name` in a `Cookie` header; the first one wins, as browsers send it. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** `Set-Cookie` for a session id (base64url, so it needs no encoding). */
export function sessionSetCookie(
  id: string,
  options: { readonly secure: boolean; readonly maxAgeSeconds: number },
): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    'HttpOnly',
    'SameSite=Lax',
    'Path=/',
    `Max-Age=${options.maxAgeSeconds}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` that makes the browser forget the session cookie. */
export function clearSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'HttpOnly',
    'SameSite=Lax',
    'Path=/',
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
