import type { MonitorStatus } from '../api/types.ts';

export function StatusBadge({ status, testid }: { status: MonitorStatus; testid?: string }) {
  return (
    <span class="status" data-status={status} data-testid={testid}>
      {status}
    </span>
  );
}
