// Answers correctly while logging megabytes to stderr, lines long and short.
import { answer, serve } from './mini-server.mjs';

const long = `${'noise '.repeat(2000)}\n`;
function flood(megabytes) {
  for (let written = 0; written < megabytes * 1024 * 1024; written += long.length + 6) {
    process.stderr.write(long);
    process.stderr.write('tick\n');
  }
}
flood(2);
serve((message) => {
  flood(1);
  answer(message);
});
