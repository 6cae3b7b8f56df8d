/**
 * Colours: Okabe–Ito based, readable for colour-blind viewers and distinct in greyscale
 * print, and fixed per cause/version so every chart of a report uses the same key.
 */
import type { DropCause } from '../../sim/result/run-result.ts';

export const CAUSE_COLORS: Record<DropCause, string> = {
  refused: '#D55E00',
  reset: '#E69F00',
  'no-endpoint': '#CC79A7',
  'queue-full': '#0072B2',
  timeout: '#56B4E9',
  error: '#444444',
  misroute: '#B8A200',
};

/** Version colours by declaration order: the stable version is blue-grey, the new one green. */
const VERSION_COLORS = ['#5B7FA6', '#2E9E6A', '#E08A2E', '#9A6FB0', '#C4574F', '#7F8C3A', '#3FA7B5'];

export function versionColor(index: number): string {
  return VERSION_COLORS[index % VERSION_COLORS.length];
}

/** Lane colours (lane order as in r.lanes). */
const LANE_COLORS = ['#E69F00', '#CC79A7', '#009E73', '#0072B2', '#D55E00'];
export function laneColor(index: number): string {
  return LANE_COLORS[index % LANE_COLORS.length];
}

export const INK = '#1f2933';
export const MUTED = '#66727f';
export const GRID = '#e3e7eb';
export const BAND = '#f2f5f8';
export const OFFERED = '#1f2933';
export const OK = '#2E9E6A';
