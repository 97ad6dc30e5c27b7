import { z } from 'zod';
import { commonOptionsShape, prepare } from '../options.js';

export const stdioTargetSchema = z
  .object({
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
  })
  .strict();

export const toolCallSchema = z
  .object({
    tool: z.string().min(1).describe('The tool to call.'),
    arguments: z.record(z.string(), z.unknown()).default({}),
    textContains: z.string().optional().describe('The text content must contain this.'),
    textMatches: z.string().optional().describe('The text content must match this regular expression.'),
    jsonPath: z.string().optional().describe('A path into structuredContent, like $.items[0].id.'),
    equals: z.unknown().optional().describe('The value at jsonPath must equal this.'),
    validateOutputSchema: z
      .boolean()
      .default(true)
      .describe("Check structuredContent against the tool's outputSchema."),
  })
  .strict();

export const mcpOptionsSchema = z
  .object({
    ...commonOptionsShape,
    transport: z.enum(['auto', 'streamable-http', 'sse', 'stdio']).default('auto'),
    era: z.enum(['auto', 'modern', 'legacy']).default('auto'),
    protocolVersion: z.string().optional().describe('The revision to ask for (legacy: in initialize).'),
    headers: z.record(z.string(), z.string()).default({}),
    expectTools: z.array(z.string()).default([]),
    ping: z.boolean().default(true).describe('Send ping after the handshake (legacy era only).'),
    listResources: z.boolean().default(false),
    listPrompts: z.boolean().default(false),
    call: toolCallSchema.optional(),
    maxToolPages: z.number().int().positive().default(50),
    clientInfo: z
      .object({ name: z.string(), version: z.string() })
      .default({ name: 'mcpwatch', version: '0.1.0' }),
  })
  .strict();

export type McpOptions = z.output<typeof mcpOptionsSchema>;
export type McpOptionsInput = z.input<typeof mcpOptionsSchema>;
export type ToolCallOptions = z.output<typeof toolCallSchema>;
export type StdioTargetInput = z.input<typeof stdioTargetSchema>;

/** Validates MCP probe options once, for a monitor that probes with them again and again. */
export function prepareMcpOptions(input: McpOptionsInput): Readonly<McpOptions> {
  return prepare(mcpOptionsSchema, input);
}
