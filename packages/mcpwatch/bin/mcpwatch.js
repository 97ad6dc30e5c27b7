#!/usr/bin/env node
// `wrap` runs beside every stdio server an IDE starts, for as long as the IDE does: it goes straight to its
// own entry, which loads the relay and nothing of the service (about half the memory of the whole CLI).
// `mcp` is started by AI clients for every session too: its entry loads the MCP server and the API client
// only (about 84 MB RSS instead of 120, and its first answer sooner).
if (process.argv[2] === 'wrap') {
  const { runWrap } = await import('../dist/wrap/main.js');
  await runWrap(process.argv.slice(3));
} else if (process.argv[2] === 'mcp') {
  const { runMcp } = await import('../dist/mcp/stdio-main.js');
  await runMcp(process.argv.slice(3));
} else {
  const { run } = await import('../dist/cli.js');
  await run(process.argv.slice(2));
}
