import { useEffect, useState } from 'preact/hooks';
import { onStreamState, type StreamState, streamState } from '../live/stream.ts';

const LABELS: Record<StreamState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  retrying: 'Reconnecting…',
};

/** Whether the page is receiving live updates. */
export function LiveIndicator() {
  const [state, setState] = useState(streamState);
  useEffect(() => onStreamState(setState), []);
  return (
    <span class={`live live-${state}`} data-testid="live-state" data-state={state} role="status">
      {LABELS[state]}
    </span>
  );
}
