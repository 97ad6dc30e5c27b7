import type { StatusPage } from '../config/status-page-schema.js';

/**
 * What a status page names that shows nothing: a monitor that does not exist, a group no monitor is in. Said
 * by the API with the page, and logged when mcpwatch.yaml is applied, rather than found by a visitor.
 */
export function statusPageWarnings(
  page: StatusPage,
  isMonitor: (name: string) => boolean,
  isGroup: (name: string) => boolean,
): string[] {
  return page.items.flatMap((item, index) => {
    if (item.monitor !== undefined && !isMonitor(item.monitor)) {
      return [`items.${index}.monitor: there is no monitor "${item.monitor}": it is left off the page`];
    }
    if (item.group !== undefined && !isGroup(item.group)) {
      return [`items.${index}.group: no monitor is in the group "${item.group}"`];
    }
    return [];
  });
}
