export type { Signal, SignalKind } from './description-signals.js';
export { descriptionSignals, LONG_ADDITION_CHARS } from './description-signals.js';
export { crossedThreshold, detectDrift } from './drift.js';
export type { Cause, EventKind, EventOf, EvidenceByKind, MonitorEvent } from './events.js';
export { EVENT_KINDS, EVENT_TITLES } from './events.js';
export type {
  CheckResult,
  Input,
  MonitorState,
  MonitorStatus,
  ProtocolInfo,
  TransitionConfig,
} from './monitor-state.js';
export { DEFAULT_TRANSITION_CONFIG, initialState } from './monitor-state.js';
export type { Direction, SchemaChange, Severity } from './schema-diff.js';
export { diffSchema } from './schema-diff.js';
export type { AddedTool, AnnotationChange, DescriptionChange, ToolChange, ToolDiff } from './tool-diff.js';
export { describeChange, diffTools, isEmpty, summary } from './tool-diff.js';
export { transition } from './transition.js';
