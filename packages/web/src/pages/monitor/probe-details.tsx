import type { ProbeResult, TlsInfo } from '../../api/types.ts';
import { formatMs } from '../../lib/format.ts';

export function CheckResultView({ result }: { result: ProbeResult }) {
  return (
    <section
      class="card"
      aria-labelledby="check-title"
      data-testid="check-result"
      data-status={result.status}
    >
      <h2 id="check-title">Check just made</h2>
      <p>
        <span class="status" data-status={result.status}>
          {result.status}
        </span>{' '}
        {result.message} <span class="muted">({formatMs(result.durationMs)})</span>
      </p>
      <p class="small muted">
        {Object.entries(result.timings)
          .filter(([, ms]) => ms > 0)
          .map(([phase, ms]) => `${phase} ${formatMs(ms)}`)
          .join(' · ')}
      </p>
    </section>
  );
}

/** What a `tls_expiring` event says of the certificate: less than a check, but kept. */
export function tlsFromEvent(evidence: Record<string, unknown>): TlsInfo | undefined {
  if (typeof evidence.daysLeft !== 'number') return undefined;
  return {
    daysLeft: evidence.daysLeft,
    validTo: typeof evidence.validTo === 'string' ? evidence.validTo : undefined,
    subject: typeof evidence.subject === 'string' ? evidence.subject : undefined,
  };
}

export function TlsView({ tls, note }: { tls: TlsInfo; note?: string }) {
  const rows: [string, string | undefined][] = [
    ['Subject', tls.subject],
    ['Issuer', tls.issuer],
    ['Names', tls.altNames?.join(', ')],
    ['Valid from', tls.validFrom],
    ['Valid to', tls.validTo],
    ['Days left', tls.daysLeft?.toString()],
    [
      'Chain',
      tls.chainValid === undefined
        ? undefined
        : tls.chainValid
          ? 'valid'
          : `not valid${tls.chainError ? `: ${tls.chainError}` : ''}`,
    ],
    [
      'Host name',
      tls.hostnameMatch === undefined ? undefined : tls.hostnameMatch ? 'matches' : 'does not match',
    ],
    ['Protocol', [tls.protocol, tls.cipher].filter(Boolean).join(' ')],
    ['SHA-256', tls.fingerprint256],
  ];
  return (
    <section class="card" aria-labelledby="tls-title" data-testid="tls">
      <h2 id="tls-title">TLS certificate</h2>
      {note && <p class="muted small">{note}</p>}
      <dl class="facts">
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

export function StderrView({ lines, when }: { lines: string[]; when: string }) {
  return (
    <section class="card" aria-labelledby="stderr-title" data-testid="stderr">
      <h2 id="stderr-title">Last stderr lines</h2>
      <p class="muted small">{when}</p>
      <pre>{lines.join('\n') || '(nothing)'}</pre>
    </section>
  );
}
