import type { CallToolResult } from '@modelcontextprotocol/server';
import { WatchError } from './watch-api.js';

/** A tool's answer: the structured value its outputSchema describes, and the same in a few lines of text. */
export function answer(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * Runs a tool's work and turns a refusal into a tool result with `isError: true` (the model reads the message
 * and can correct itself) instead of a protocol error; an unexpected failure is reported the same way, with
 * what was being done, so a session never breaks on one bad call.
 */
export async function guarded(doing: string, work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    const message =
      error instanceof WatchError
        ? error.message
        : `mcpwatch could not ${doing}: ${(error as Error).message ?? String(error)}`;
    return { isError: true, content: [{ type: 'text', text: message }] };
  }
}
