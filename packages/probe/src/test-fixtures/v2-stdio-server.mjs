// A v2 SDK server over stdio, both eras (or modern only with --modern-only). Logs to stderr as servers do.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

const modernOnly = process.argv.includes('--modern-only');
process.stderr.write('v2 stdio server starting\n');
serveStdio(
  () => {
    const server = new McpServer({ name: 'v2-stdio', version: '2.0.0' });
    server.registerTool(
      'echo',
      { description: 'Echoes the text back', inputSchema: z.object({ text: z.string() }) },
      async ({ text }) => ({
        content: [{ type: 'text', text }],
      }),
    );
    return server;
  },
  { legacy: modernOnly ? 'reject' : 'serve' },
);
