// Correct, except for a banner on stdout before the first message: strict clients choke on it.
import { serve } from './mini-server.mjs';

process.stdout.write('Weather MCP server v1.2 starting on stdio...\n');
serve();
