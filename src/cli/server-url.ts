// Where the CLI looks for a running Rota when it is not told: ROTA_PUBLIC_URL, else this
// machine's ROTA_PORT (8080 by default) — the same settings `rota serve` reads.
export function defaultServerUrl(env: Readonly<Record<string, string | undefined>>): string {
  const publicUrl = env.ROTA_PUBLIC_URL;
  if (publicUrl !== undefined && publicUrl !== '') return publicUrl.replace(/\/+$/, '');
  return `http://127.0.0.1:${env.ROTA_PORT ?? '8080'}`;
}

/** What to say when nothing answers at `url`. */
export const nothingAnswers = (url: string, cause: string): string =>
  `Nothing answers at ${url} (${cause}). Start Rota there (npm start, or rota serve), ` +
  'or name the server it runs at: --url, ROTA_PUBLIC_URL or ROTA_PORT.';
