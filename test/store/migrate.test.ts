import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { PgliteDatabase } from '../../src/db/pglite-database.js';
import { storeModes } from './store-helpers.js';

describe('migration runner', () => {
  let database: PgliteDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await PgliteDatabase.open('memory://');
    dir = await mkdtemp(join(tmpdir(), 'vectorspace-migrations-'));
  });

  afterAll(async () => {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies files in order once', async () => {
    await writeFile(join(dir, '002_second.sql'), "INSERT INTO trail VALUES ('second');");
    await writeFile(join(dir, '001_first.sql'), "CREATE TABLE trail (step text); INSERT INTO trail VALUES ('first');");
    await writeFile(join(dir, 'README.md'), 'not a migration');

    expect(await migrate(database, dir)).toEqual(['001_first', '002_second']);
    expect(await migrate(database, dir)).toEqual([]);
    const { rows } = await database.query<{ step: string }>('SELECT step FROM trail');
    expect(rows.map((row) => row.step)).toEqual(['first', 'second']);
  });

  it('failing file rolls back the run', async () => {
    await writeFile(join(dir, '003_third.sql'), "INSERT INTO trail VALUES ('third');");
    await writeFile(join(dir, '004_broken.sql'), 'INSERT INTO no_such_table VALUES (1);');

    await expect(migrate(database, dir)).rejects.toThrow(/no_such_table/);
    const { rows } = await database.query<{ count: number }>("SELECT count(*)::int AS count FROM trail WHERE step = 'third'");
    expect(rows[0]!.count).toBe(0);
    const { rows: versions } = await database.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((row) => row.version)).toEqual(['001_first', '002_second']);
  });
});

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`project migrations (${mode.name})`, () => {
    let database: Database;

    beforeAll(async () => {
      database = await mode.open();
    });

    afterAll(async () => {
      await database?.close();
    });

    it('are applied and idempotent under concurrency', async () => {
      const runs = await Promise.all([migrate(database), migrate(database), migrate(database)]);
      expect(runs).toEqual([[], [], []]);
      const { rows } = await database.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => row.version)).toContain('001_collections');
      const { rows: extension } = await database.query<{ version: string }>("SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'");
      expect(extension[0]!.version).toMatch(/^0\.(8|9|\d\d)\./);
    });
  });
}
