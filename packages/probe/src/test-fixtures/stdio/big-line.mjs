// Answers initialize with one line of argv[2] bytes (padding in serverInfo), otherwise correct.
import { answer, send, serve } from './mini-server.mjs';

const size = Number(process.argv[2]);
serve((message) => {
  if (message.method !== 'initialize') return answer(message);
  const reply = {
    jsonrpc: '2.0',
    id: message.id,
    result: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      serverInfo: { name: 'big', version: '1', pad: '' },
    },
  };
  const base = JSON.stringify(reply).length;
  reply.result.serverInfo.pad = 'x'.repeat(Math.max(0, size - base));
  send(reply);
});
