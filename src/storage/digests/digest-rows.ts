// A digest's row as the core's record: its recipients, JSON text in the row, parsed here once.
import type { Selectable } from 'kysely';
import type { DigestRecord } from '../../core/digest-records.ts';
import type { DigestTable } from '../schema.ts';

export const digestRecord = (row: Selectable<DigestTable>): DigestRecord => ({
  ...row,
  recipients: JSON.parse(row.recipients) as string[],
});

export const digestRecordOrUndefined = (
  row: Selectable<DigestTable> | undefined,
): DigestRecord | undefined => (row === undefined ? undefined : digestRecord(row));
