#!/usr/bin/env node
// `wrap` runs beside every stdio server an IDE starts, for as long as the IDE does: it goes straight to its
// own entry, which loads the relay and nothing of the service (about half the memory of the whole CLI).
if (process.argv[2] === 'wrap') {
  const { runWrap } = await import('../dist/wrap/main.js');
  await runWrap(process.argv.slice(3));
} else {
  const { run } = await import('../dist/cli.js');
  await run(process.argv.slice(2));
}
