/** Which rows of a fixed-height list to render for the part of it that is on screen. */
export interface VirtualWindow {
  start: number;
  /** One past the last row to render. */
  end: number;
  /** The list's full height, so the scroll bar is true to the whole list. */
  height: number;
}

/**
 * `top` is where the viewport starts, measured from the list's own top (negative while the list is still
 * below the fold); `overscan` rows are added on each side so fast scrolling and Tab find rows ready.
 */
export function virtualWindow(
  count: number,
  rowHeight: number,
  top: number,
  viewportHeight: number,
  overscan = 8,
): VirtualWindow {
  const height = count * rowHeight;
  const first = Math.floor(Math.max(0, top) / rowHeight);
  const last = Math.ceil(Math.max(0, top + viewportHeight) / rowHeight);
  return {
    start: Math.max(0, Math.min(count, first - overscan)),
    end: Math.max(0, Math.min(count, last + overscan)),
    height,
  };
}
