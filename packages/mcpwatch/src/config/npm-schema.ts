import { z } from 'zod';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';

/** npm's rules for a published name: lower case, URL-safe, optionally under one @scope. */
export const NPM_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Watches an MCP server package's published version, so a release is an event before users update. */
export const npmShape = {
  target: z
    .string()
    .max(214)
    .regex(NPM_NAME, 'give an npm package name, like @modelcontextprotocol/server-everything')
    .describe('The package to watch.'),
  registry: z
    .url({
      protocol: /^https?$/,
      error: 'give the registry as an http(s) URL, like https://registry.npmjs.org/',
    })
    .default(DEFAULT_NPM_REGISTRY)
    .describe('The registry to ask; a private registry or a mirror works too.'),
  distTag: z.string().min(1).default('latest').describe('The dist-tag whose version is watched.'),
  intervalSec: z
    .number()
    .int()
    .positive()
    .default(3600)
    .describe('Seconds between checks; releases are rare, so the default asks once an hour.'),
  timeoutMs: z.number().int().positive().default(10_000).describe('Deadline for one registry request.'),
};
