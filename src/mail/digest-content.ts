// A stored digest's content: composed from its tick the first time it is needed (by the mailer,
// a force-send or a read of the outbox), then kept, so every attempt sends the same mail under
// the same Message-ID.
import type { DigestRecord } from '../core/digest-records.ts';
import { buildDigestModel } from './build-digest-model.ts';
import { composeDigest } from './compose-digest.ts';
import type { DigestContentStore } from './mail-store.ts';

export interface ContentDeps {
  readonly store: { readonly content: DigestContentStore };
  readonly publicUrl: string;
  readonly mailFrom: string;
  readonly now: () => number;
}

/** A digest with its content, or undefined when its tick is gone (pruned, schedule deleted). */
export async function withContent(
  deps: ContentDeps,
  digest: DigestRecord,
): Promise<DigestRecord | undefined> {
  if (digest.message_id !== null) return digest;
  const source = await deps.store.content.loadSource(digest.tick_id);
  if (source === undefined) return undefined;
  const model = buildDigestModel(source, {
    publicUrl: deps.publicUrl,
    minSeverity: digest.min_severity,
    notice: digest.notice,
  });
  const composed = composeDigest(model);
  return deps.store.content.storeContent(
    digest.id,
    { ...composed, messageId: messageIdFor(digest.id, deps.mailFrom, deps.publicUrl) },
    deps.now(),
  );
}

/** `<digest id@sender's domain>`: unique per digest, the same on every attempt. */
export function messageIdFor(digestId: string, mailFrom: string, publicUrl: string): string {
  const domain =
    /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom)?.[1] ?? new URL(publicUrl).hostname ?? 'localhost';
  return `<digest.${digestId}@${domain}>`;
}
