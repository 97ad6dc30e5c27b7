// Correct until its second ping, then broken in the way argv[2] names: "hang" never answers pings again;
// "exit" writes a last word to stderr and exits with code 7, as a server that runs out of memory does;
// "big" answers with one line of argv[3] bytes.
import { answer, send, serve } from './mini-server.mjs';

const mode = process.argv[2];
let pings = 0;
serve((message) => {
  if (message.method !== 'ping') return answer(message);
  pings++;
  if (pings === 1) return send({ jsonrpc: '2.0', id: message.id, result: {} });
  if (mode === 'big') {
    return send({ jsonrpc: '2.0', id: message.id, result: { pad: 'x'.repeat(Number(process.argv[3])) } });
  }
  if (mode === 'exit') {
    process.stderr.write('fatal: heap out of memory\n', () => process.exit(7));
  }
});
