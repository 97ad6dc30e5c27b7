import type { ComponentChildren } from 'preact';

/** A list's table: scrolls sideways on a narrow screen, one column heading a name, the rows as children. */
export function DataTable({
  testId,
  headings,
  children,
}: {
  testId?: string;
  headings: readonly string[];
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table class="table" data-testid={testId}>
        <thead>
          <tr>
            {headings.map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
