// Never answers, ignores SIGTERM and outlives stdin: only SIGKILL ends it. argv[2]: where to write its pid.
import { writeFileSync } from 'node:fs';

writeFileSync(process.argv[2], String(process.pid));
process.on('SIGTERM', () => {});
setInterval(() => {}, 1000);
