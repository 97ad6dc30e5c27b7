import configSchema from '../../../../schemas/mcpwatch.schema.json';
import type { JsonSchema } from './json-schema.ts';
import { branchesOf } from './schema-fields.ts';

/**
 * The config file's JSON Schema, written by the service from the same zod schemas that validate
 * `POST /api/v1/monitors` and `/channels`. Imported at build time into the editing and settings chunks
 * only (the overview never loads it), so the forms need no request before they can be shown, and the
 * OpenAPI document, which leaves a channel's settings open, is not needed for the channel types.
 */
const root = configSchema as unknown as {
  properties: {
    monitors: { items: JsonSchema };
    channels: { additionalProperties: JsonSchema; propertyNames: JsonSchema };
  };
};

/** The monitor kinds, each with its full schema (the discriminator is `kind`). */
export const monitorKinds: Map<string, JsonSchema> = branchesOf(root.properties.monitors.items, 'kind');

/** The channel types, each with its settings (the discriminator is `type`). */
export const channelTypes: Map<string, JsonSchema> = branchesOf(
  root.properties.channels.additionalProperties,
  'type',
);

/** What a channel's name may be (its key in the file). */
export const channelNameSchema: JsonSchema = root.properties.channels.propertyNames;

/** A maintenance window, as both the file and `POST /api/v1/maintenance` take it. */
export const maintenanceSchema: JsonSchema = (
  root as unknown as { properties: Record<string, { items: JsonSchema }> }
).properties.maintenance?.items as JsonSchema;

/** A status page, as both the file and `POST /api/v1/status-pages` take it. */
export const statusPageSchema: JsonSchema = (
  root as unknown as { properties: Record<string, { items: JsonSchema }> }
).properties.statusPages?.items as JsonSchema;
