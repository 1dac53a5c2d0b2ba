import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeTrackingStore } from '@mlproject/tracking/conformance';
import { openJsonStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlproject-json-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
describeTrackingStore('json', () => openJsonStore(join(dir, `store-${(n += 1)}.json`)));
