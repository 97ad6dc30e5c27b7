// Watching a transport from the outside. The SDKs (v1 and v2 alike) take over a transport in
// `Protocol.connect` by assigning `onmessage`, `onclose` and `onerror` and calling `send`; each of those is
// public Transport interface. Turning the three callbacks into accessors lets us see every message no
// matter when `connect` assigns them (before or after instrument()), and wrapping `send` shows every
// response, including the errors the SDK answers on its own (method not found, invalid params).

/** A JSON-RPC message as it crosses the transport; only the fields read here. */
export interface RpcMessage {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message?: string };
}

/** The Transport interface shared by both SDK versions, structurally. */
export interface TransportLike {
  onmessage?: ((message: RpcMessage, extra?: unknown) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  send(message: RpcMessage, options?: unknown): Promise<void>;
  sessionId?: string | undefined;
}

export interface TapHooks {
  /** An inbound request; the hook must call `deliver` once (it decides in which context). */
  request(message: RpcMessage & { id: string | number; method: string }, deliver: () => void): void;
  /** An outbound response (result or error) to an inbound request. */
  response(message: RpcMessage & { id: string | number }): void;
  close(): void;
  error(error: Error): void;
}

const TAPPED = Symbol.for('@mcpwatch/instrument.tapped');

type Callback = (...args: never[]) => void;

const NO_ARGUMENT = Symbol('no argument');
const IDLE = Symbol('idle');

// Replaces a callback property by an accessor: reads return our wrapper, writes set the function the
// wrapper calls. The SDKs chain what they find (`const _onmessage = transport.onmessage; transport.onmessage
// = (m) => { _onmessage?.(m); dispatch(m) }`), so the function we call calls our wrapper back with the same
// argument: that inner echo is recognised and ignored, which keeps the wrapper outermost and run once.
function intercept<K extends 'onmessage' | 'onclose' | 'onerror'>(
  transport: TransportLike,
  key: K,
  wrap: (inner: () => TransportLike[K]) => NonNullable<TransportLike[K]>,
): void {
  let inner = transport[key];
  const wrapped = wrap(() => inner) as (...args: unknown[]) => void;
  // The argument being handled: the SDK's echo arrives synchronously inside our call, with the same one.
  let current: unknown = IDLE;
  const wrapper = ((arg?: unknown, extra?: unknown) => {
    const seen = arg === undefined ? NO_ARGUMENT : arg;
    if (seen === current) return;
    const outer = current;
    current = seen;
    try {
      wrapped(arg, extra);
    } finally {
      current = outer;
    }
  }) as NonNullable<TransportLike[K]>;
  // v1's StreamableHTTPServerTransport keeps its callbacks on an inner transport behind prototype
  // accessors; the inner one must call our wrapper too.
  const inherited = inheritedSetter(transport, key);
  inherited?.call(transport, wrapper);
  Object.defineProperty(transport, key, {
    configurable: true,
    enumerable: true,
    get: () => wrapper,
    set: (fn: TransportLike[K]) => {
      // Assigning our own wrapper back (a transport saving and restoring its callback) must not loop.
      if ((fn as Callback | undefined) !== (wrapper as Callback)) inner = fn;
    },
  });
}

function inheritedSetter(object: object, key: string): ((value: unknown) => void) | undefined {
  if (Object.hasOwn(object, key)) return undefined;
  for (let proto = Object.getPrototypeOf(object); proto; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor) return descriptor.set;
  }
  return undefined;
}

/** Taps a transport once; a second call on the same transport does nothing and returns false. */
export function tapTransport(transport: TransportLike, hooks: TapHooks): boolean {
  const marked = transport as TransportLike & { [TAPPED]?: true };
  if (marked[TAPPED]) return false;
  marked[TAPPED] = true;

  intercept(transport, 'onmessage', (inner) => (message, extra) => {
    const deliver = () => inner()?.(message, extra);
    if (
      typeof message?.method === 'string' &&
      (typeof message.id === 'string' || typeof message.id === 'number')
    ) {
      let delivered = false;
      try {
        hooks.request(message as RpcMessage & { id: string | number; method: string }, () => {
          delivered = true;
          deliver();
        });
      } catch (err) {
        // A fault in the instrumentation must not lose the request; a fault in the SDK's own dispatch
        // (delivered already) is rethrown as it would have been without us.
        if (delivered) throw err;
        deliver();
      }
    } else {
      deliver();
    }
  });
  intercept(transport, 'onclose', (inner) => () => {
    try {
      hooks.close();
    } catch {
      // The SDK's own close handling below must run whatever happened in ours.
    }
    inner()?.();
  });
  intercept(transport, 'onerror', (inner) => (error) => {
    try {
      hooks.error(error);
    } catch {
      // As for close: never in the way of the SDK's handler.
    }
    inner()?.(error);
  });

  const send = transport.send;
  transport.send = function tappedSend(this: TransportLike, message, options) {
    const sent = send.call(this, message, options);
    if (
      message &&
      message.method === undefined &&
      (typeof message.id === 'string' || typeof message.id === 'number') &&
      (message.result !== undefined || message.error !== undefined)
    ) {
      try {
        hooks.response(message as RpcMessage & { id: string | number });
      } catch {
        // The response is already on its way; bookkeeping failures stay ours.
      }
    }
    return sent;
  };
  return true;
}
