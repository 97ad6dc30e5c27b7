import { describe, expect, it } from 'vitest';
import type { EventOf } from './events.js';
import { type Input, initialState, type MonitorStatus, type TransitionConfig } from './monitor-state.js';
import {
  CANCELLED,
  DEG,
  DOWN,
  label,
  MINUTE,
  MISSED,
  PAUSE,
  play,
  RESUME,
  result,
  T0,
  UP,
} from './test-fixtures/inputs.js';
import { transition } from './transition.js';

interface Step {
  input: Input;
  status: MonitorStatus;
  events?: string[];
  /** Minutes after the previous step; one by default. */
  after?: number;
}

interface Scenario {
  name: string;
  config?: Partial<TransitionConfig>;
  steps: Step[];
}

const s = (input: Input, status: MonitorStatus, events: string[] = [], after?: number): Step => ({
  input,
  status,
  events,
  ...(after === undefined ? {} : { after }),
});

const scenarios: Scenario[] = [
  { name: 'the first good check makes a new monitor up, quietly', steps: [s(UP, 'up')] },
  {
    name: 'a new monitor stays pending until its failures reach the threshold',
    steps: [s(DOWN, 'pending'), s(DOWN, 'pending'), s(DOWN, 'down', ['down+opened'])],
  },
  {
    name: 'failures below the threshold change nothing, and a good check resets the count',
    steps: [
      s(UP, 'up'),
      s(DOWN, 'up'),
      s(DOWN, 'up'),
      s(UP, 'up'),
      s(DOWN, 'up'),
      s(DOWN, 'up'),
      s(DOWN, 'down', ['down+opened']),
    ],
  },
  {
    name: 'one good check recovers by default and resolves the incident',
    steps: [
      s(UP, 'up'),
      s(DOWN, 'up'),
      s(DOWN, 'up'),
      s(DOWN, 'down', ['down+opened']),
      s(DOWN, 'down'),
      s(UP, 'up', ['recovered+resolved']),
    ],
  },
  {
    name: 'recoverAfter good checks are needed to recover',
    config: { recoverAfter: 2, consecutiveFails: 1 },
    steps: [
      s(UP, 'up'),
      s(DOWN, 'down', ['down+opened']),
      s(UP, 'down'),
      s(DOWN, 'down'),
      s(UP, 'down'),
      s(UP, 'up', ['recovered+resolved']),
    ],
  },
  {
    name: 'recovery lands on degraded when the answer is degraded, resolving the incident',
    config: { consecutiveFails: 1 },
    steps: [
      s(UP, 'up'),
      s(DOWN, 'down', ['down+opened']),
      s(DEG, 'degraded', ['degraded+resolved']),
      s(UP, 'up', ['recovered']),
    ],
  },
  {
    name: 'degraded takes two degraded checks in a row, and one good check clears it',
    steps: [
      s(UP, 'up'),
      s(DEG, 'up'),
      s(UP, 'up'),
      s(DEG, 'up'),
      s(DEG, 'degraded', ['degraded']),
      s(DEG, 'degraded'),
      s(UP, 'up', ['recovered']),
    ],
  },
  {
    name: 'a failure followed by a degraded answer counts toward degraded',
    steps: [s(UP, 'up'), s(DOWN, 'up'), s(DEG, 'degraded', ['degraded'])],
  },
  {
    name: 'a crash goes straight to down without a degraded stop',
    steps: [s(UP, 'up'), s(DOWN, 'up'), s(DOWN, 'up'), s(DOWN, 'down', ['down+opened'])],
  },
  {
    name: 'degraded then failing goes down',
    steps: [
      s(UP, 'up'),
      s(DEG, 'up'),
      s(DEG, 'degraded', ['degraded']),
      s(DOWN, 'degraded'),
      s(DOWN, 'degraded'),
      s(DOWN, 'down', ['down+opened']),
    ],
  },
  {
    name: 'a new monitor can start degraded',
    steps: [s(DEG, 'pending'), s(DEG, 'degraded', ['degraded'])],
  },
  {
    name: 'paused ignores results; resume starts again from pending',
    steps: [
      s(UP, 'up'),
      s(PAUSE, 'paused', ['paused']),
      s(DOWN, 'paused'),
      s(DOWN, 'paused'),
      s(DOWN, 'paused'),
      s(MISSED, 'paused'),
      s(RESUME, 'pending', ['resumed']),
      s(UP, 'up'),
    ],
  },
  {
    name: 'pause and resume are idempotent',
    steps: [
      s(RESUME, 'pending'),
      s(PAUSE, 'paused', ['paused']),
      s(PAUSE, 'paused'),
      s(RESUME, 'pending', ['resumed']),
      s(RESUME, 'pending'),
    ],
  },
  {
    name: 'an incident open when paused stays open and resolves on the first good check after resume',
    config: { consecutiveFails: 1 },
    steps: [
      s(DOWN, 'down', ['down+opened']),
      s(PAUSE, 'paused', ['paused']),
      s(RESUME, 'pending', ['resumed']),
      s(UP, 'up', ['recovered+resolved']),
    ],
  },
  {
    name: 'going down again after resume does not open a second incident',
    config: { consecutiveFails: 1 },
    steps: [
      s(DOWN, 'down', ['down+opened']),
      s(PAUSE, 'paused', ['paused']),
      s(RESUME, 'pending', ['resumed']),
      s(DOWN, 'down', ['down']),
      s(UP, 'up', ['recovered+resolved']),
    ],
  },
  {
    name: 'a cancelled check neither counts as a failure nor breaks a run of failures',
    steps: [
      s(UP, 'up'),
      s(DOWN, 'up'),
      s(DOWN, 'up'),
      s(CANCELLED, 'up'),
      s(CANCELLED, 'up'),
      s(DOWN, 'down', ['down+opened']),
      s(CANCELLED, 'down'),
      s(UP, 'up', ['recovered+resolved']),
    ],
  },
  {
    name: 'a missed heartbeat is decisive, announced once, and a ping recovers',
    steps: [
      s(UP, 'up'),
      s(MISSED, 'down', ['heartbeat_missed+opened']),
      s(MISSED, 'down'),
      s(UP, 'up', ['recovered+resolved']),
    ],
  },
  {
    name: 'flapping is announced once, then damped, then ends after a quiet period where it settled',
    config: { consecutiveFails: 1, flapChanges: 4, flapWindowSec: 3600, flapQuietSec: 600 },
    steps: [
      s(UP, 'up'),
      s(DOWN, 'down', ['down+opened']),
      s(UP, 'up', ['recovered+resolved']),
      s(DOWN, 'down', ['down+opened']),
      s(UP, 'up', ['flapping_started']),
      s(DOWN, 'down'),
      s(UP, 'up'),
      s(DEG, 'up'),
      s(DEG, 'degraded'),
      s(UP, 'up'),
      s(UP, 'up', [], 5),
      s(UP, 'up', ['flapping_stopped+resolved'], 5),
      s(DOWN, 'down', ['down+opened']),
    ],
  },
  {
    name: 'flapping that settles on down opens the incident it never announced',
    config: { degradedAfter: 1, flapChanges: 3, flapWindowSec: 3600, flapQuietSec: 600 },
    steps: [
      s(UP, 'up'),
      s(DEG, 'degraded', ['degraded']),
      s(UP, 'up', ['recovered']),
      s(DEG, 'degraded', ['flapping_started']),
      s(DOWN, 'degraded'),
      s(DOWN, 'degraded'),
      s(DOWN, 'down'),
      s(DOWN, 'down', ['flapping_stopped+opened'], 10),
      s(UP, 'up', ['recovered+resolved']),
    ],
  },
  {
    name: 'changes spread wider than the window are not flapping',
    config: { consecutiveFails: 1, flapChanges: 3, flapWindowSec: 600 },
    steps: [
      s(UP, 'up'),
      s(DOWN, 'down', ['down+opened']),
      s(UP, 'up', ['recovered+resolved'], 6),
      s(DOWN, 'down', ['down+opened'], 6),
      s(UP, 'up', ['recovered+resolved'], 6),
    ],
  },
  {
    name: 'pausing a flapping monitor ends flapping without a stream of events',
    config: { consecutiveFails: 1, flapChanges: 2 },
    steps: [
      s(UP, 'up'),
      s(DOWN, 'down', ['down+opened']),
      s(UP, 'up', ['flapping_started']),
      s(PAUSE, 'paused', ['paused']),
      s(RESUME, 'pending', ['resumed']),
      s(UP, 'up', ['recovered+resolved']),
    ],
  },
];

function run(scenario: Scenario): void {
  let state = initialState(new Date(T0));
  let t = T0;
  scenario.steps.forEach((step, i) => {
    t += (step.after ?? 1) * MINUTE;
    const out = transition(state, step.input, new Date(t), scenario.config);
    expect({ step: i, status: out.state.status, events: out.events.map(label) }).toEqual({
      step: i,
      status: step.status,
      events: step.events ?? [],
    });
    state = out.state;
  });
}

describe('transition: status, step by step', () => {
  it.each(scenarios.map((sc) => [sc.name, sc] as const))('%s', (_name, scenario) => run(scenario));
});

describe('transition: evidence', () => {
  it('carries the probe reason, phase and message, the count, and the times', () => {
    const fail = result('down', {
      reason: 'timeout',
      phase: 'tools',
      message: 'tools/list did not answer in 5000 ms',
    });
    const outs = play([UP, fail, fail, fail, UP]);
    const [down] = outs[3]?.events ?? [];
    expect(down).toEqual({
      kind: 'down',
      at: '2026-01-01T00:04:00.000Z',
      from: 'up',
      to: 'down',
      incident: 'opened',
      evidence: {
        cause: {
          status: 'down',
          reason: 'timeout',
          phase: 'tools',
          message: 'tools/list did not answer in 5000 ms',
        },
        failures: 3,
      },
    });
    const recovered = outs[4]?.events[0] as EventOf<'recovered'>;
    expect(recovered.evidence).toEqual({
      cause: { status: 'up', message: 'notes 1.0.0 is up' },
      checks: 1,
      unhealthySince: '2026-01-01T00:04:00.000Z',
    });
  });
});
