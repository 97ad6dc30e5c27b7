import { describe, expect, it } from 'vitest';
import { virtualWindow } from './virtual-window.ts';

describe('virtualWindow', () => {
  it('renders the rows on screen and the overscan', () => {
    expect(virtualWindow(10_000, 50, 0, 800, 5)).toEqual({ start: 0, end: 21, height: 500_000 });
    expect(virtualWindow(10_000, 50, 5000, 800, 5)).toEqual({ start: 95, end: 121, height: 500_000 });
  });
  it('stays inside the list', () => {
    expect(virtualWindow(10, 50, 10_000, 800, 5)).toEqual({ start: 10, end: 10, height: 500 });
    expect(virtualWindow(0, 50, 0, 800)).toEqual({ start: 0, end: 0, height: 0 });
  });
  it('handles a list that starts below the viewport top', () => {
    expect(virtualWindow(100, 50, -300, 800, 0)).toEqual({ start: 0, end: 10, height: 5000 });
    expect(virtualWindow(100, 50, -900, 800, 0)).toEqual({ start: 0, end: 0, height: 5000 });
  });
});
