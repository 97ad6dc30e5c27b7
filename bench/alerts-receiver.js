// The outside world of bench/alerts.js, in its own process: the HTTP targets mcpwatch checks, and the
// webhook receiver mcpwatch notifies. Both are node:http on 127.0.0.1, each on its own port.
// - Targets: any path answers `status` (200 until flipped) with a short body. The first answer with a new
//   status to each path after a flip is timed, so a notification can be set against the failing answer too.
// - Receiver: POST /hook reads the webhook body and answers 204; each message is kept with the time its
//   body had fully arrived, `Date.now()`, beside the body's `at` (the event time mcpwatch set when the check
//   was decided). Both clocks are this machine's Date.now().
// Ops over IPC: { op: 'flip', status }, { op: 'reset' } (forget the messages), { op: 'messages' } (those
// since the last reset), { op: 'count' }, { op: 'exit' }. It reports { op: 'ready', targetPort, hookPort }.
import http from 'node:http';

let status = 200;
/** Per path, when it first answered the current status since the last flip (Date.now()). */
let firstAnswer = new Map();
let flippedAt = Date.now();
let messages = [];
let requests = 0;
let refused = 0;

const targets = http.createServer((req, res) => {
  requests++;
  req.resume();
  const path = req.url ?? '/';
  if (!firstAnswer.has(path)) firstAnswer.set(path, Date.now());
  const body = status === 200 ? 'ok\n' : 'dependency failed\n';
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});

const hook = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/hook') {
    refused++;
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const receivedAt = Date.now();
    res.writeHead(204).end();
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      refused++;
      return;
    }
    const name = body.monitor?.name;
    const answeredAt = firstAnswer.get(`/t/${name}`);
    const listed = (label) => {
      // "a, b, … and 980 more": the names given, plus the count of the rest.
      const parts = body.facts?.find((f) => f.label === label)?.value?.split(', ') ?? [];
      const more = /^and (\d+) more$/.exec(parts.at(-1) ?? '');
      return more ? parts.length - 1 + Number(more[1]) : parts.length;
    };
    messages.push({
      name,
      kind: body.kind,
      receivedAt,
      /** From the event's time (the deciding check) to this receipt. */
      latencyMs: receivedAt - Date.parse(body.at),
      /** From the target's first answer with the new status to this receipt: the check's own time included. */
      sinceAnswerMs: answeredAt !== undefined && answeredAt >= flippedAt ? receivedAt - answeredAt : null,
      dependentsListed: listed('Also down (held)'),
      /** On a recovery: the dependents whose alerts were held while it was down. */
      heldListed: listed('Held while down'),
    });
  });
});

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const targetPort = await listen(targets);
const hookPort = await listen(hook);

process.on('message', (msg) => {
  switch (msg.op) {
    case 'flip':
      status = msg.status;
      firstAnswer = new Map();
      flippedAt = Date.now();
      process.send({ op: 'flip', at: flippedAt });
      break;
    case 'reset':
      messages = [];
      process.send({ op: 'reset' });
      break;
    case 'count':
      process.send({ op: 'count', count: messages.length, requests, refused });
      break;
    case 'messages':
      process.send({ op: 'messages', messages, requests, refused });
      break;
    case 'exit':
      targets.closeAllConnections();
      hook.closeAllConnections();
      process.send({ op: 'exit' });
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

process.send({ op: 'ready', targetPort, hookPort });
