// Asks the client for roots/list before answering tools/list, and answers only once the client has
// replied; the tool it lists is named after the error code it got back ("refused:-32601").
import { answer, send, serve } from './mini-server.mjs';

let pendingList;
serve((message) => {
  if (message.method === 'tools/list') {
    pendingList = message.id;
    return send({ jsonrpc: '2.0', id: 'roots-1', method: 'roots/list' });
  }
  if (message.id === 'roots-1' && message.method === undefined) {
    const code = message.error?.code ?? 'answered';
    return send({ jsonrpc: '2.0', id: pendingList, result: { tools: [{ name: `refused:${code}` }] } });
  }
  answer(message);
});
