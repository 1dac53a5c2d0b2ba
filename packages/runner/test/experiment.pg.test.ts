import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '@mlproject/tracking-postgres';
import { resolveExperimentId } from '../src/experiment.js';
import { racedStore, resolveConcurrently } from './race.js';

// The experiment get-or-create race on PostgreSQL (MLPROJECT_TEST_POSTGRES_URI, from scripts/ci-postgres.sh).
const uri = process.env['MLPROJECT_TEST_POSTGRES_URI'];

describe.skipIf(!uri)('resolveExperimentId on PostgreSQL when another process creates the experiment first', () => {
  it('every one of several parallel processes gets the one new experiment', async () => {
    const ids = await resolveConcurrently(uri ?? '', `conc-${Date.now()}`);
    expect(new Set(ids).size).toBe(1);
  });

  it('takes the experiment another connection created between lookup and create, refuses it deleted', async () => {
    const [store, other] = [await openPostgresStore(uri ?? ''), await openPostgresStore(uri ?? '')];
    try {
      const name = `raced-${Date.now()}`;
      const id = await resolveExperimentId(racedStore(store, other), name, undefined, {});
      expect(id).toBe((await other.getExperimentByName(name))?.experimentId);
      await expect(resolveExperimentId(racedStore(store, other, true), `${name}-gone`, undefined, {}))
        .rejects.toMatchObject({ code: 'ERR_MLPROJECT_RUN_BAD_OPTION' });
    } finally {
      await Promise.all([store.close(), other.close()]);
    }
  });
});
