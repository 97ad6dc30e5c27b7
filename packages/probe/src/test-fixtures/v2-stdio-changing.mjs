// A v2 SDK server over stdio, both eras, whose tool list grows on SIGUSR2: it registers a tool named
// "added", then writes the file named by argv[2] so a test knows the change is in place.
import { writeFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

const servers = [];
let grown = false;

function grow(server) {
  server.registerTool('added', { description: 'Registered after start' }, async () => ({
    content: [{ type: 'text', text: 'added' }],
  }));
}

process.on('SIGUSR2', () => {
  if (!grown) for (const server of servers) grow(server);
  grown = true;
  writeFileSync(process.argv[2], 'grown');
});

serveStdio(() => {
  const server = new McpServer({ name: 'v2-stdio-changing', version: '2.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes the text back', inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  if (grown) grow(server);
  servers.push(server);
  return server;
});
