// A tiny line-oriented JSON-RPC server for the wrapper's lifecycle tests. Every request is answered with
// `{}`, except:
//   crash   → writes half a line and exits with code 3
//   exit    → exits with params.code at once
//   stderr  → writes params.text to stderr and answers
//   fail    → a JSON-RPC error (-32601)
//   tools/call of the tool "broken" → a result with isError: true
// Flags: --trap-term (on SIGTERM, say so on stdout and exit 0), --ignore-eof (keep running when stdin ends).
const trap = process.argv.includes('--trap-term');
const ignoreEof = process.argv.includes('--ignore-eof');
if (trap) {
  process.on('SIGTERM', () => {
    process.stdout.write(
      '{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"SIGTERM"}}\n',
      () => process.exit(0),
    );
  });
}
let buffer = '';
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let newline = buffer.indexOf('\n');
  while (newline !== -1) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    handle(JSON.parse(line));
    newline = buffer.indexOf('\n');
  }
});
process.stdin.on('end', () => {
  if (ignoreEof) setInterval(() => {}, 1000);
});
function handle(message) {
  if (message.method === 'crash') {
    process.stdout.write('{"jsonrpc":"2.0","id":', () => process.exit(3));
    return;
  }
  if (message.method === 'exit') process.exit(message.params.code);
  if (message.method === 'stderr') process.stderr.write(message.params.text);
  if (message.method === 'fail') {
    process.stdout.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'no' } })}\n`,
    );
    return;
  }
  if (message.method === 'tools/call' && message.params?.name === 'broken') {
    const result = { content: [{ type: 'text', text: 'broken' }], isError: true };
    process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n`);
    return;
  }
  if (message.id !== undefined)
    process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result: {} })}\n`);
}
