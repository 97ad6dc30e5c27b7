import { ProbeFailure } from '../failure.js';
import type { JsonRpcId, RpcReply } from '../protocol/jsonrpc.js';
import type { Era, Transport } from '../result.js';

/**
 * One way of exchanging JSON-RPC messages with a server. The session decides what to send; a channel
 * only frames and carries it. Every wait honours the signal it is given.
 */
export interface Channel {
  readonly transport: Transport;
  /** Set by the session once known; HTTP channels turn them into protocol headers. */
  era: Era | undefined;
  protocolVersion: string | undefined;
  /** `headers` are extra HTTP headers for this request (SEP-2243 parameter headers); others ignore them. */
  request(
    method: string,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<RpcReply>;
  notify(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<void>;
  /** Ends the session politely, within its own short bound; never throws. */
  close(): Promise<void>;
}

/** Replies awaited by id, for channels where answers arrive on a stream apart from the request. */
export class PendingReplies {
  private readonly waiting = new Map<
    JsonRpcId,
    { resolve(reply: RpcReply): void; reject(error: Error): void }
  >();
  private failed: Error | undefined;

  wait(id: JsonRpcId, signal: AbortSignal): Promise<RpcReply> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(id);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(id, {
        resolve: (reply) => {
          signal.removeEventListener('abort', onAbort);
          resolve(reply);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
    });
  }

  /** Waits for the reply to a message it then sends: the wait comes first so a fast reply is not missed. */
  async exchange(id: JsonRpcId, signal: AbortSignal, send: () => unknown): Promise<RpcReply> {
    const answer = this.wait(id, signal);
    try {
      await send();
    } catch (error) {
      answer.catch(() => {});
      throw error;
    }
    return answer;
  }

  /** Returns false for a reply nobody waits for (a late or unknown id). */
  settle(reply: RpcReply): boolean {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return false;
    this.waiting.delete(reply.id);
    waiter.resolve(reply);
    return true;
  }

  /** Fails every current and future wait: the stream or process behind them is gone. */
  fail(error: Error): void {
    this.failed ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

export function rpcFailure(method: string, reply: RpcReply): ProbeFailure {
  const e = reply.error;
  return new ProbeFailure(
    'jsonrpc_error',
    `${method} failed with JSON-RPC error ${e?.code}: ${e?.message ?? ''}`.trim(),
  );
}
