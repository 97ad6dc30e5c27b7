/** The placeholder of a page listed in the registry whose code is not written yet. */
export function NotAvailable() {
  return (
    <section class="page">
      <h1>Not available yet</h1>
      <p class="muted">This page is not available yet in this version of mcpwatch.</p>
    </section>
  );
}
