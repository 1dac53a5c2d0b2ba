import { describe, expect, it } from 'vitest';
import { expectTrackingError, newRun, useStore, type MakeStore } from './helpers.js';

/** Experiments: default experiment, create/get/rename, unique names, delete/restore cascading, tags. */
export function describeExperiments(makeStore: MakeStore): void {
  describe('experiments', () => {
    const h = useStore(makeStore);

    it('has experiment "0" named Default from the start', async () => {
      const exp = await h.store.getExperiment('0');
      expect(exp).toMatchObject({ experimentId: '0', name: 'Default', lifecycleStage: 'active' });
      expect(exp.artifactLocation).toMatch(/0$/);
      expect((await h.store.getExperimentByName('Default'))?.experimentId).toBe('0');
    });

    it('creates experiments with distinct string IDs, tags and an artifact location under the root', async () => {
      const a = await h.store.createExperiment('alpha', undefined, [{ key: 'team', value: 'ml' }]);
      const b = await h.store.createExperiment('beta');
      expect(typeof a).toBe('string');
      expect(a).not.toBe(b);
      const exp = await h.store.getExperiment(a);
      expect(exp).toMatchObject({ name: 'alpha', lifecycleStage: 'active', tags: [{ key: 'team', value: 'ml' }] });
      expect(exp.artifactLocation.endsWith(`/${a}`)).toBe(true);
      expect(exp.creationTime).toBeGreaterThan(0);
    });

    it('keeps an explicit artifact location', async () => {
      const id = await h.store.createExperiment('located', 's3://bucket/place');
      expect((await h.store.getExperiment(id)).artifactLocation).toBe('s3://bucket/place');
    });

    it('refuses empty names and taken names, including names of deleted experiments', async () => {
      await expectTrackingError(h.store.createExperiment(''), 'INVALID_PARAMETER_VALUE');
      await expectTrackingError(h.store.createExperiment('x'.repeat(501)), 'INVALID_PARAMETER_VALUE');
      const id = await h.store.createExperiment('taken');
      await expectTrackingError(h.store.createExperiment('taken'), 'RESOURCE_ALREADY_EXISTS');
      await h.store.deleteExperiment(id);
      await expectTrackingError(h.store.createExperiment('taken'), 'RESOURCE_ALREADY_EXISTS');
      expect((await h.store.getExperimentByName('taken'))?.lifecycleStage).toBe('deleted');
    });

    it('answers unknown experiments with RESOURCE_DOES_NOT_EXIST, and null by name', async () => {
      await expectTrackingError(h.store.getExperiment('987654'), 'RESOURCE_DOES_NOT_EXIST');
      expect(await h.store.getExperimentByName('nope')).toBeNull();
    });

    it('renames, refusing taken names and deleted experiments', async () => {
      const id = await h.store.createExperiment('old');
      await h.store.createExperiment('other');
      await h.store.renameExperiment(id, 'new');
      expect((await h.store.getExperiment(id)).name).toBe('new');
      expect(await h.store.getExperimentByName('old')).toBeNull();
      await expectTrackingError(h.store.renameExperiment(id, 'other'), 'RESOURCE_ALREADY_EXISTS');
      await h.store.deleteExperiment(id);
      await expectTrackingError(h.store.renameExperiment(id, 'newer'), 'INVALID_PARAMETER_VALUE');
    });

    it('cascades delete and restore to every run, even runs deleted one by one', async () => {
      const id = await h.store.createExperiment('cascade');
      const r1 = await newRun(h.store, { experimentId: id });
      const r2 = await newRun(h.store, { experimentId: id });
      await h.store.deleteRun(r2.info.runId);
      await h.store.deleteExperiment(id);
      expect((await h.store.getExperiment(id)).lifecycleStage).toBe('deleted');
      expect((await h.store.getRun(r1.info.runId)).info.lifecycleStage).toBe('deleted');
      await expectTrackingError(h.store.deleteExperiment(id), 'RESOURCE_DOES_NOT_EXIST');
      await expectTrackingError(newRun(h.store, { experimentId: id }), 'INVALID_PARAMETER_VALUE');
      await h.store.restoreExperiment(id);
      expect((await h.store.getRun(r1.info.runId)).info.lifecycleStage).toBe('active');
      expect((await h.store.getRun(r2.info.runId)).info.lifecycleStage).toBe('active');
      await expectTrackingError(h.store.restoreExperiment(id), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('sets, overwrites and deletes experiment tags', async () => {
      const id = await h.store.createExperiment('tagged');
      await h.store.setExperimentTag(id, { key: 'k', value: 'v1' });
      await h.store.setExperimentTag(id, { key: 'k', value: 'v2' });
      await h.store.setExperimentTag(id, { key: 'empty', value: '' });
      expect((await h.store.getExperiment(id)).tags).toEqual(
        expect.arrayContaining([{ key: 'k', value: 'v2' }, { key: 'empty', value: '' }]),
      );
      await h.store.deleteExperimentTag(id, 'k');
      expect((await h.store.getExperiment(id)).tags).toEqual([{ key: 'empty', value: '' }]);
      await expectTrackingError(h.store.deleteExperimentTag(id, 'k'), 'RESOURCE_DOES_NOT_EXIST');
      await expectTrackingError(h.store.setExperimentTag(id, { key: 'long', value: 'x'.repeat(5001) }), 'INVALID_PARAMETER_VALUE');
      await h.store.deleteExperiment(id);
      await expectTrackingError(h.store.setExperimentTag(id, { key: 'k', value: 'v' }), 'INVALID_PARAMETER_VALUE');
    });
  });
}
