import { EventEmitter } from 'node:events';
import type { Status } from '@mcpwatch/probe';
import type { MonitorEvent } from '../state/index.js';
import type { MonitorState } from '../store/index.js';

/** One check's outcome as the live stream shows it: enough to repaint a row, not the whole probe result. */
export interface LiveResult {
  monitorId: number;
  name: string;
  at: number;
  status: Status;
  reason: string | null;
  message: string;
  durationMs: number;
  /** Made in a maintenance window: shown as maintenance, not downtime. */
  maintenance: boolean;
  state: MonitorState['status'];
}

export interface LiveEvent {
  monitorId: number;
  name: string;
  event: MonitorEvent;
}

export interface LiveBusEvents {
  result: [LiveResult];
  event: [LiveEvent];
  /** Monitors were added, changed or removed (by the file or the API): lists should be read again. */
  monitors: [{ added: number[]; changed: number[]; removed: number[] }];
}

/**
 * What happened, as it happens, for the live stream and anything else in the process that listens. The
 * store is the record; this carries no guarantee beyond "sent to whoever was listening".
 */
export class LiveBus extends EventEmitter<LiveBusEvents> {
  constructor() {
    super();
    // Every open stream is a listener; thousands of dashboards are not a leak.
    this.setMaxListeners(0);
  }
}
