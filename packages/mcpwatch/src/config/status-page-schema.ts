import { z } from 'zod';

/** Slugs go in URLs (`/status/<slug>`): lower-case letters, digits and inner hyphens. */
export const STATUS_PAGE_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** A host name as a Host header carries it, without a port: `status.example.com`. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** One service on a page: a monitor, or a group of monitors shown as one, under a public name. */
export const statusPageItemSchema = z
  .object({
    monitor: z.string().min(1).optional().describe('A monitor name.'),
    group: z.string().min(1).optional().describe('A monitor group, shown as one service (its worst status).'),
    publicName: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('The name shown on the page and in badge URLs; default the monitor or group name.'),
  })
  .strict()
  .superRefine((item, ctx) => {
    if ((item.monitor === undefined) === (item.group === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['monitor'], message: 'give either monitor or group, not both' });
    }
  });

/** The fields of a page, before the checks across them. */
export const statusPageObject = z
  .object({
    slug: z
      .string({ error: 'give the page a slug' })
      .regex(STATUS_PAGE_SLUG, {
        error: 'use up to 64 lower-case letters, digits and "-" (not first or last): it goes in the URL',
      })
      .describe('The page is at /status/<slug>.'),
    title: z.string().min(1).max(200).describe('The heading of the page.'),
    description: z.string().max(2000).optional().describe('A paragraph under the heading (plain text).'),
    items: z
      .array(statusPageItemSchema)
      .min(1, { error: 'list at least one monitor or group' })
      .max(500)
      .describe('The services shown, in order.'),
    showReasons: z
      .boolean()
      .default(false)
      .describe('Show why a service is down (reason codes, incident causes). Off by default.'),
    showLatency: z.boolean().default(false).describe('Show the latest response time of each service.'),
    showTargets: z
      .boolean()
      .default(false)
      .describe('Show the URL of each monitored service (never commands, headers or passwords).'),
    domain: z
      .string()
      .regex(HOST_NAME, { error: 'give a host name like status.example.com, without scheme or port' })
      .optional()
      .describe('A custom domain: requests whose Host is this get the page at / and its feed at /feed.atom.'),
  })
  .strict();

/** A public status page: what it shows is chosen here, and nothing else is revealed. */
export const statusPageSchema = statusPageObject.superRefine((page, ctx) => {
  const seen = new Set<string>();
  page.items.forEach((item, index) => {
    const name = item.publicName ?? item.monitor ?? item.group ?? '';
    if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['items', index, 'publicName'],
        message: `"${name}" is shown twice on this page: give one a different publicName`,
      });
    }
    seen.add(name);
  });
});

export type StatusPageItem = z.output<typeof statusPageItemSchema>;
export type StatusPage = z.output<typeof statusPageSchema>;
export type StatusPageInput = z.input<typeof statusPageSchema>;

/** Pages in mcpwatch.yaml: slugs and domains must be unique among them. */
export const statusPagesSchema = z
  .array(statusPageSchema)
  .default([])
  .describe('Public status pages: /status/<slug> (docs/status-pages.md).')
  .superRefine((pages, ctx) => {
    const slugs = new Map<string, number>();
    const domains = new Map<string, number>();
    pages.forEach((page, index) => {
      const slug = slugs.get(page.slug);
      if (slug !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'slug'],
          message: `"${page.slug}" is already the slug of statusPages[${slug}]`,
        });
      } else slugs.set(page.slug, index);
      if (page.domain === undefined) return;
      const domain = domains.get(page.domain);
      if (domain !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'domain'],
          message: `"${page.domain}" is already the domain of statusPages[${domain}]`,
        });
      } else domains.set(page.domain, index);
    });
  });
