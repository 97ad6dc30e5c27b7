// A forked child spoken to by request and reply over IPC, each reply matched by its `op`.
import { fork } from 'node:child_process';

export function spawnChild(file, args = [], execArgv = []) {
  const child = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const inbox = [];
  const waiters = [];
  let exited;
  child.on('message', (msg) => {
    const i = waiters.findIndex((w) => w.op === msg.op);
    if (i === -1) inbox.push(msg);
    else waiters.splice(i, 1)[0].resolve(msg);
  });
  child.on('exit', (code, signal) => {
    exited = new Error(`${file} exited (${code ?? signal}) before answering`);
    for (const w of waiters.splice(0)) w.reject(exited);
  });
  /** The next message with this op, whether it already came or is still to come. */
  const next = (op) =>
    new Promise((resolve, reject) => {
      const i = inbox.findIndex((m) => m.op === op);
      if (i !== -1) return resolve(inbox.splice(i, 1)[0]);
      if (exited) return reject(exited);
      waiters.push({ op, resolve, reject });
    });
  return {
    child,
    next,
    send: (msg) => child.send(msg),
    ask: (msg, op = msg.op) => {
      const reply = next(op);
      child.send(msg);
      return reply;
    },
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', resolve);
        child.kill();
      }),
  };
}
