import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config.js';

const load = (yaml: string) => parseConfig(yaml, 'mcpwatch.yaml', { env: {} });

describe('statusPages in mcpwatch.yaml', () => {
  it('reads a page with defaults that reveal nothing sensitive', () => {
    const config = load(
      [
        'monitors:',
        '  - { kind: tcp, name: db, target: "127.0.0.1:5432", group: core }',
        'statusPages:',
        '  - slug: public',
        '    title: Example status',
        '    items: [{ monitor: db, publicName: Database }, { group: core }]',
        '    domain: status.example.com',
        '',
      ].join('\n'),
    );
    expect(config.statusPages).toEqual([
      {
        slug: 'public',
        title: 'Example status',
        items: [{ monitor: 'db', publicName: 'Database' }, { group: 'core' }],
        showReasons: false,
        showLatency: false,
        showTargets: false,
        domain: 'status.example.com',
      },
    ]);
  });

  it.each([
    ['slug: Not A Slug', 'statusPages[0].slug'],
    ['items: []', 'statusPages[0].items'],
    ['items: [{ monitor: a, group: b }]', 'statusPages[0].items[0].monitor'],
    ['items: [{ monitor: a }, { group: a }]', 'statusPages[0].items[1].publicName'],
    ['domain: "https://status.example.com"', 'statusPages[0].domain'],
  ])('refuses %s, naming the field', (line, field) => {
    const page = { slug: 'slug: ok', items: 'items: [{ monitor: a }]', domain: '' };
    const key = line.split(':')[0] as keyof typeof page;
    page[key] = line;
    const yaml = `statusPages:\n  - title: T\n    ${page.slug}\n    ${page.items}\n    ${page.domain}\n`;
    expect(() => load(yaml)).toThrow(field.replace(/\[(\d+)\]/g, '[$1]'));
  });

  it('refuses two pages with one slug', () => {
    const page = '  - { slug: a, title: A, items: [{ monitor: m }] }\n';
    expect(() => load(`statusPages:\n${page}${page}`)).toThrow(/already the slug of statusPages\[0\]/);
  });

  it('loads the example of docs/status-pages.md', async () => {
    const text = await readFile(new URL('../../../../docs/status-pages.md', import.meta.url), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    const config = load(block);
    expect(config.statusPages[0]).toMatchObject({
      slug: 'acme',
      showLatency: true,
      domain: 'status.acme.dev',
    });
  });
});
