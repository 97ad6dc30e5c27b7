import type { Command } from 'commander';
import { wantsColor } from '../ansi.js';
import type { CliContext } from '../cli-context.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import type { ProbeJob } from '../probe-plan.js';
import { render } from '../render.js';
import { runJobs } from '../run-probes.js';

/**
 * `mcpwatch demo`: starts the bundled example server on loopback, probes it in the modern era, in the
 * legacy era and over plain HTTP, prints the reports and exits; `--serve` keeps the server up to play with.
 */
export function registerDemo(program: Command, context: CliContext): void {
  const demo = program
    .command('demo')
    .summary('probe a bundled example MCP server, to see what mcpwatch reports')
    .description(
      'Start a small example MCP server on 127.0.0.1, probe it in both protocol eras and over plain HTTP, and print the reports.',
    )
    .option('--serve', 'keep the example server running afterwards, until Ctrl-C')
    .option('--json', 'print the results as a JSON array and nothing else on stdout')
    .option('--no-color', 'no colours, even at a terminal (NO_COLOR does the same)');
  demo.action(async (flags: { serve?: boolean; json?: boolean; color: boolean }) => {
    // Loaded here: the server SDK costs every other command a quarter second of startup.
    const { startExampleServer } = await import('../demo/example-server.js');
    const server = await startExampleServer();
    try {
      const jobs: ProbeJob[] = [
        {
          kind: 'mcp',
          name: 'example, modern era',
          target: server.url,
          options: {
            era: 'modern',
            expectTools: ['echo', 'add'],
            call: { tool: 'add', arguments: { a: 2, b: 3 }, jsonPath: '$.sum', equals: 5 },
          },
        },
        {
          kind: 'mcp',
          name: 'example, legacy era',
          target: server.url,
          options: {
            era: 'legacy',
            call: { tool: 'echo', arguments: { text: 'hello' }, textContains: 'hello' },
          },
        },
        {
          kind: 'http',
          name: 'example, /healthz',
          target: server.healthUrl,
          options: { jsonPath: '$.status', equals: 'ok' },
        },
      ];
      const results = await runJobs(jobs, jobs.length, context.signal);
      if (flags.json) {
        context.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        const color = wantsColor(context.stdout, context.env, flags.color);
        context.stdout.write(`The example MCP server is listening at ${server.url}\n\n`);
        context.stdout.write(
          results.map((r, i) => render(r, { color, name: jobs[i]?.name ?? '' })).join('\n'),
        );
      }
      if (flags.serve && !context.signal.aborted) {
        context.stderr.write(
          `mcpwatch: the example server stays up at ${server.url}; try "mcpwatch probe ${server.url}" in another terminal, Ctrl-C to stop\n`,
        );
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
        context.exit(EXIT.up);
        return;
      }
      context.exit(context.signal.aborted ? EXIT.interrupted : exitCodeFor(results.map((r) => r.status)));
    } finally {
      await server.close();
    }
  });
}
