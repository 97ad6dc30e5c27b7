import { McpServer } from '@modelcontextprotocol/server';
import { registerReadTools } from './read-tools.js';
import { registerResources } from './resources.js';
import type { Scope, WatchApi } from './watch-api.js';
import { registerWriteTools } from './write-tools.js';

export interface WatchServerOptions {
  /** `read` registers only the read tools: a read-scoped client cannot even see the others. */
  scope: Scope;
  /** mcpwatch's version, reported as the server's. */
  version: string;
}

const INSTRUCTIONS = [
  'mcpwatch watches MCP servers and endpoints and keeps their history.',
  'To find out what is down, call list_monitors (status=down) or read mcpwatch://status; get_monitor explains one monitor.',
  'Monitors are named: use the names list_monitors shows.',
  'pause_monitor and send_notification silence or reach people: ask the user before calling them.',
].join(' ');

/**
 * mcpwatch's own MCP server over any WatchApi: the tools the scope allows, and the resources. Cheap to build,
 * so one is built per HTTP request (createMcpHandler's factory) or per stdio connection.
 */
export function createWatchServer(api: WatchApi, options: WatchServerOptions): McpServer {
  const server = new McpServer(
    { name: 'mcpwatch', title: 'mcpwatch', version: options.version },
    { instructions: INSTRUCTIONS },
  );
  registerReadTools(server, api);
  if (options.scope === 'write') registerWriteTools(server, api);
  registerResources(server, api);
  return server;
}
