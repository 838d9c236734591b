import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { templateInputsHash } from '../../local/iam/template.js';

describe('re-reading serverless.yml when it changed', () => {
  let root: string;
  afterAll(async () => root && rm(root, { recursive: true, force: true }));

  it('the cache key changes with serverless.yml, the state machine definition and the Region', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'iam-cache-'));
    await mkdir(path.join(root, 'statemachines'));
    await writeFile(path.join(root, 'serverless.yml'), 'service: a\n');
    await writeFile(path.join(root, 'statemachines', 'm.asl.yaml'), 'StartAt: A\n');
    const first = templateInputsHash(root, 'us-east-1');
    expect(templateInputsHash(root, 'us-east-1')).toBe(first);
    expect(templateInputsHash(root, 'eu-west-1')).not.toBe(first);
    await writeFile(path.join(root, 'serverless.yml'), 'service: b\n');
    const second = templateInputsHash(root, 'us-east-1');
    expect(second).not.toBe(first);
    await writeFile(path.join(root, 'statemachines', 'm.asl.yaml'), 'StartAt: B\n');
    expect(templateInputsHash(root, 'us-east-1')).not.toBe(second);
  });
});
