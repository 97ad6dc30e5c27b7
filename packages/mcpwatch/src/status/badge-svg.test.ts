import { describe, expect, it } from 'vitest';
import { badgeSvg, COLORS, textWidth } from './badge-svg.js';
import { formatUptime, latencyBadge, shieldsJson, uptimeBadge, uptimeColor } from './badges.js';
import type { PublicService } from './page-data.js';
import { parseXml } from './xml-test-parser.js';

const service = (over: Partial<PublicService> = {}): PublicService => ({
  name: 'API',
  status: 'up',
  uptime: { '24h': 1, '7d': 0.9995, '30d': 0.985, '90d': null },
  bars: [],
  ...over,
});

describe('badge SVG', () => {
  it('measures text as 11 px Verdana', () => {
    // shields.io's own badge for "build" is 37 px of label text before padding.
    expect(Math.round(textWidth('build'))).toBe(29);
    expect(textWidth('iiii')).toBeLessThan(textWidth('MMMM'));
    expect(textWidth('é')).toBeGreaterThan(textWidth('e'));
  });

  it('sizes the two halves to their text and colours the message', () => {
    const svg = parseXml(badgeSvg('uptime 30d', '99.95%', 'brightgreen'));
    const labelWidth = Math.round(textWidth('uptime 30d')) + 10;
    const messageWidth = Math.round(textWidth('99.95%')) + 10;
    expect(svg.attributes.width).toBe(String(labelWidth + messageWidth));
    const rects = svg.children.find((c) => c.name === 'g')?.children ?? [];
    expect(rects.map((r) => [r.attributes.width, r.attributes.fill])).toEqual([
      [String(labelWidth), '#555'],
      [String(messageWidth), COLORS.brightgreen],
      [String(labelWidth + messageWidth), 'url(#s)'],
    ]);
  });

  it('escapes its text', () => {
    const text = badgeSvg('<a href="x">', 'R&D', 'red');
    expect(parseXml(text).attributes['aria-label']).toBe('<a href="x">: R&D');
    expect(text).not.toContain('<a ');
  });
});

describe('badge values', () => {
  it('never rounds uptime up to 100% and colours it by thresholds', () => {
    expect(formatUptime(0.99999)).toBe('99.99%');
    expect(formatUptime(1)).toBe('100%');
    expect(formatUptime(0.5)).toBe('50%');
    expect([0.9995, 0.995, 0.98, 0.96, 0.5].map(uptimeColor)).toEqual([
      'brightgreen',
      'green',
      'yellow',
      'orange',
      'red',
    ]);
    expect(uptimeBadge(service(), '30d')).toEqual({
      label: 'uptime 30d',
      message: '98.50%',
      color: 'yellow',
    });
    expect(uptimeBadge(service(), '90d')).toEqual({
      label: 'uptime 90d',
      message: 'no data',
      color: 'lightgrey',
    });
  });

  it('shows latency as a median in ms, and shields.io JSON with schemaVersion 1', () => {
    const badge = latencyBadge(service({ latencyP50Ms24h: 412.6 }));
    expect(badge).toEqual({ label: 'latency', message: '413 ms', color: 'green' });
    expect(shieldsJson(badge)).toEqual({
      schemaVersion: 1,
      label: 'latency',
      message: '413 ms',
      color: 'green',
      cacheSeconds: 60,
    });
  });
});
