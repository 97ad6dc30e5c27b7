import type { PageProps } from '../registry.ts';

export function MonitorPage({ params }: PageProps) {
  return (
    <section class="page">
      <h1>Monitor {params.id}</h1>
    </section>
  );
}
