// d3-node ships no types; this is the small part the charts use.
declare module 'd3-node' {
  import type { Selection } from 'd3';
  export class D3Node {
    constructor(options?: { selector?: string; container?: string; styles?: string });
    d3Element: Selection<HTMLElement, unknown, null, undefined>;
    document: Document;
  }
}
