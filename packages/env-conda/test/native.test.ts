import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EnvDeclaration } from '@mlproject/env';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCondaBackend } from '../src/index.js';

// A fake micromamba (a shell script) stands in for the installed engine: what is under test is how
// the backend finds it, calls it, and records what it installed, not micromamba itself.
const FAKE = `#!/bin/sh
echo "$@" >> "$FAKE_ARGS"
if [ -n "$FAKE_FAIL" ]; then echo "error    libmamba Could not solve for environment specs" >&2; echo "$FAKE_FAIL" >&2; exit 1; fi
while [ $# -gt 0 ]; do [ "$1" = "--prefix" ] && prefix="$2"; shift; done
mkdir -p "$prefix/conda-meta" "$prefix/bin"
printf '{"name":"tool","version":"1.0","build":"0","url":"https://conda.anaconda.org/x/noarch/tool-1.0-0.tar.bz2","md5":"0123456789abcdef0123456789abcdef"}' > "$prefix/conda-meta/tool-1.0-0.json"
printf '#!/bin/sh\\necho tool ok\\n' > "$prefix/bin/tool"; chmod +x "$prefix/bin/tool"
`;

let root: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlproject-conda-native-'));
  await mkdir(path.join(root, 'bin'));
  await writeFile(path.join(root, 'bin', 'micromamba'), FAKE);
  await chmod(path.join(root, 'bin', 'micromamba'), 0o755);
  await writeFile(path.join(root, 'conda.yaml'), 'channels: [x]\ndependencies: [tool]\n');
  env = { PATH: `${path.join(root, 'bin')}:/usr/bin:/bin`, HOME: root, FAKE_ARGS: path.join(root, 'args.txt') };
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function prepare(extra: NodeJS.ProcessEnv = {}) {
  const declaration = { kind: 'conda', file: 'conda.yaml' } as unknown as EnvDeclaration;
  return createCondaBackend().prepare({ declaration, projectDir: root, cacheDir: path.join(root, 'cache'), env: { ...env, ...extra } }, 'conda');
}

describe('conda backend with an installed engine (fake micromamba on PATH)', () => {
  it('creates the env by prefix from the conda.yaml, records the lock, and reuses it', async () => {
    const built = await prepare();
    expect(built.reused).toBe(false);
    expect((await readFile(path.join(root, 'args.txt'), 'utf8')).trim()).toBe(`create --yes --prefix ${built.prefix} --file ${path.join(root, 'conda.yaml')}`);
    expect(await readFile(built.lockFile ?? '', 'utf8')).toContain('\n@EXPLICIT\nhttps://conda.anaconda.org/x/noarch/tool-1.0-0.tar.bz2#0123456789abcdef0123456789abcdef\n');
    const again = await prepare();
    expect(again.reused).toBe(true);
    expect((await readFile(path.join(root, 'args.txt'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('an engine failure is one line with the tool\'s last line, the log kept, nothing left half-built', async () => {
    const error = await prepare({ FAKE_FAIL: '  - nothing provides requested nope' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_MLPROJECT_ENV_BUILD_FAILED',
      message: expect.stringMatching(/^creating the conda env from .*conda\.yaml with micromamba failed \(exit code 1\): - nothing provides requested nope$/),
    });
    const logFile = (error as { logFile: string }).logFile;
    expect(await readFile(logFile, 'utf8')).toContain('Could not solve for environment specs');
    const retry = await prepare();
    expect(retry.reused).toBe(false);
  });

  it('replays a recorded lock with create --file <explicit lock>', async () => {
    const built = await prepare();
    const lock = await readFile(built.lockFile ?? '', 'utf8');
    const declaration = { kind: 'conda', file: 'conda.yaml' } as unknown as EnvDeclaration;
    const replay = await createCondaBackend().prepare({ declaration, projectDir: root, cacheDir: path.join(root, 'cache'), env, frozenLock: lock }, 'conda');
    expect(replay.prefix).not.toBe(built.prefix);
    expect((await readFile(path.join(root, 'args.txt'), 'utf8')).trim().split('\n')[1]).toMatch(new RegExp(`^create --yes --prefix ${replay.prefix} --file .*explicit\\.txt$`));
    expect(await readFile(replay.lockFile ?? '', 'utf8')).toBe(lock);
  });
});
