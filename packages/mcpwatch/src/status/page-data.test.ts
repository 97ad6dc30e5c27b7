import { describe, expect, it } from 'vitest';
import type { StatusPage } from '../config/status-page-schema.js';
import { barStatus, overallOf, publicUrl, upcomingMaintenance, worstOf } from './page-data.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const member = (name: string, group: string | null = null) => ({
  id: 1,
  name,
  group,
  tags: [],
  status: 'up' as const,
  since: 0,
  target: '',
  lastCheck: null,
});
const items = [
  { item: { monitor: 'db' } as StatusPage['items'][number], name: 'Database', members: [member('db')] },
];

describe('what a page derives', () => {
  it('takes the worst status of a group and names the overall one', () => {
    expect(worstOf(['up', 'maintenance', 'unknown'])).toBe('maintenance');
    expect(worstOf(['up', 'down', 'degraded'])).toBe('down');
    expect(worstOf([])).toBe('unknown');
    expect(overallOf(['up', 'up'])).toBe('operational');
    expect(overallOf(['up', 'down'])).toBe('partial_outage');
    expect(overallOf(['down', 'down'])).toBe('major_outage');
    expect(overallOf(['up', 'degraded', 'maintenance'])).toBe('degraded');
    expect(overallOf(['up', 'maintenance'])).toBe('maintenance');
    expect(overallOf(['unknown'])).toBe('unknown');
  });

  it('colours a day by its uptime; a day of maintenance only is maintenance', () => {
    expect(barStatus(undefined)).toBe('none');
    expect(barStatus({ checks: 10, maintenance: 10, uptime: null })).toBe('maintenance');
    expect(barStatus({ checks: 1000, maintenance: 0, uptime: 0.9995 })).toBe('up');
    expect(barStatus({ checks: 100, maintenance: 0, uptime: 0.97 })).toBe('degraded');
    expect(barStatus({ checks: 100, maintenance: 0, uptime: 0.5 })).toBe('down');
  });

  it('shows only the origin and path of an http(s) URL, never a command or credentials', () => {
    expect(publicUrl('https://u:p@mcp.example.com/mcp?key=1#x')).toBe('https://mcp.example.com/mcp');
    expect(publicUrl('npx -y @scope/server --token abc')).toBeNull();
    expect(publicUrl('127.0.0.1:5432')).toBeNull();
  });

  it('announces windows that touch the page: ongoing, upcoming, recurring; not past or elsewhere', () => {
    const found = upcomingMaintenance(
      [
        { name: 'now', monitors: ['db'], start: '2026-11-22T09:00:00Z', end: '2026-11-22T11:00:00Z' },
        { name: 'past', monitors: ['db'], start: '2026-11-20T09:00:00Z', end: '2026-11-20T11:00:00Z' },
        { name: 'other', monitors: ['web'], start: '2026-11-22T09:00:00Z', end: '2026-11-22T11:00:00Z' },
        { name: 'nightly', schedule: '0 3 * * *', durationMin: 30, timezone: 'UTC' },
        { name: 'far', groups: ['x'], start: '2027-06-01T00:00:00Z', end: '2027-06-02T00:00:00Z' },
      ],
      items,
      NOW,
    );
    expect(found).toEqual([
      {
        name: 'now',
        services: ['Database'],
        start: '2026-11-22T09:00:00.000Z',
        end: '2026-11-22T11:00:00.000Z',
        ongoing: true,
      },
      {
        name: 'nightly',
        services: ['Database'],
        start: '2026-11-23T03:00:00.000Z',
        end: '2026-11-23T03:30:00.000Z',
        ongoing: false,
      },
    ]);
  });
});
