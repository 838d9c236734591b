import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_EXCEPTIONS, WILDCARD_RESOURCE_ACTIONS } from '../../deployment/security-exceptions.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const parameters = (
  readFileSync(path.resolve(import.meta.dirname, '..', '..', 'serverless.yml'), 'utf8').match(/^params:\n {2}default:\n((?: {4}.*\n|\n)+)/m)?.[1] ?? ''
)
  .split('\n')
  .map((line) => line.match(/^ {4}([A-Za-z]+):/)?.[1])
  .filter((name): name is string => Boolean(name));

describe('the README a security reviewer signs off', () => {
  it.each(Object.keys(WILDCARD_RESOURCE_ACTIONS))('justifies Resource "*" for %s', (action) => {
    expect(readme).toContain(`| \`${action}\` |`);
  });

  it.each(GUARD_EXCEPTIONS.map((e) => [e.control, e.rule]))('justifies the Control Tower exception %s (%s)', (control, rule) => {
    expect(readme).toMatch(new RegExp(`\\| ${control.replaceAll('.', '\\.')} \\| \`${rule}\``));
  });

  it('documents every deployment parameter', () => {
    expect(parameters.length).toBeGreaterThan(10);
    for (const name of parameters) expect(readme, name).toContain(`| \`${name}\` |`);
  });
});

describe("the README's layout", () => {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Layout\n')) ?? '';
  // `test/domain|handlers|workflow` names test/domain, test/handlers and test/workflow.
  const layout = section.replace(/([\w.-]+)\/([\w-]+(?:\|[\w-]+)+)/g, (_, parent: string, names: string) =>
    names
      .split('|')
      .map((name) => `${parent}/${name}`)
      .join(' '),
  );
  const folders = ['functions', 'local', 'test'].flatMap((top) =>
    readdirSync(path.join(root, top), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${top}/${entry.name}`),
  );

  it.each(folders)('names %s', (folder) => {
    expect(layout).toMatch(new RegExp(`(^|\\s)${folder.replaceAll('.', '\\.')}(/|\\s|$)`, 'm'));
  });

  it('names only paths that exist', () => {
    const paths = [
      ...layout.matchAll(
        /(?<=^|[\s(`])((?:\.ci|bench|bin|cli|deployment|docs|functions|local|scenarios|schemas|scripts|statemachines|test|types)\/[\w./-]*)/gm,
      ),
    ]
      .map((m) => (m[1] ?? '').replace(/[.,]$/, ''))
      .filter((p) => !p.includes('<'));
    expect(paths.length).toBeGreaterThan(30);
    expect(paths.filter((p) => !existsSync(path.join(root, p)))).toEqual([]);
  });
});
