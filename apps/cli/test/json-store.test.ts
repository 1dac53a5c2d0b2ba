import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlproject, tempDir, writeProject } from './helpers.js';

describe('a damaged JSON store (real file, real process)', () => {
  it('is refused in one line naming the file and the bad key path, exit 1, left untouched', async () => {
    const cwd = tempDir('json-damaged');
    const project = writeProject(path.join(cwd, 'proj'), { MLproject: 'entry_points:\n  main:\n    command: "echo hi"\n' });
    const ran = await mlproject(['run', project, '--env-manager', 'local', '--tracking-uri', 'json:///s.json'], { cwd });
    expect(ran.exitCode, ran.all).toBe(0);
    const file = path.join(cwd, 's.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { runs: Record<string, { params: unknown }> };
    const [runId, run] = Object.entries(data.runs)[0] ?? [];
    if (run) run.params = null;
    const damaged = JSON.stringify(data);
    writeFileSync(file, damaged);
    const listed = await mlproject(['runs', 'list', '--tracking-uri', 'json:///s.json'], { cwd });
    expect(listed.exitCode).toBe(1);
    expect(listed.stderr).toBe(`mlproject: error: Cannot use '${file}' as an mlproject JSON tracking store: it is damaged: runs.${runId}.params is not a list (found null). Restore it from a copy.`);
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });
});
