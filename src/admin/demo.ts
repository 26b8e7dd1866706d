// `rota demo`: the demo project in the configured database, for `rota serve` to run.
import type { Config } from '../config.ts';
import { setUpDemo, type DemoSetup } from '../demo/demo-setup.ts';
import { uuidv7 } from '../storage/new-id.ts';
import { prepareDatabase, withConfiguredDatabase } from '../serve/configured-database.ts';

export function demo(config: Config, now: number): Promise<DemoSetup> {
  return withConfiguredDatabase(config, async (database) => {
    const newId = () => uuidv7(now);
    const { tenant } = await prepareDatabase(database, newId(), now);
    return setUpDemo(database, {
      tenantId: tenant.id,
      origin: `http://127.0.0.1:${config.port}`,
      now,
      newId,
    });
  });
}
