// Starts a helper that ignores SIGTERM and shares its stdio, then serves correctly and exits when stdin
// closes, leaving the helper behind. argv[2]: where to write "<own pid> <grandchild pid>".
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { serve } from './mini-server.mjs';

const helper = spawn(
  process.execPath,
  ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);"],
  {
    stdio: 'inherit',
  },
);
helper.unref();
writeFileSync(process.argv[2], `${process.pid} ${helper.pid}`);
serve();
