// The statements PostgreSQL writes its own way (database.ts DialectStatements).
import { sql } from 'kysely';
import { chunks, valuesList } from '../batch-sql.ts';
import type { DialectStatements } from '../database.ts';

export const postgresStatements: DialectStatements = {
  // One UPDATE … FROM a VALUES list per chunk: one round trip moves hundreds of schedules.
  async advanceSchedules(trx, advances) {
    const moved = new Set<string>();
    for (const chunk of chunks(advances)) {
      const rows = valuesList(
        chunk.map(
          (a) =>
            sql`(${a.scheduleId}, cast(${a.from} as bigint), cast(${a.to} as bigint), cast(${a.lastTickAt ?? null} as bigint))`,
        ),
      );
      const { rows: updated } = await sql<{
        id: string;
      }>`with v(id, from_at, next_at, last_at) as (values ${rows})
        update schedules set next_fire_at = v.next_at, claimed_by = null, claimed_until = null,
          last_tick_at = case when v.last_at is not null and (schedules.last_tick_at is null
            or schedules.last_tick_at < v.last_at) then v.last_at else schedules.last_tick_at end
        from v where schedules.id = v.id and schedules.next_fire_at = v.from_at
        returning schedules.id as id`.execute(trx);
      for (const row of updated) moved.add(row.id);
    }
    return moved;
  },
};
