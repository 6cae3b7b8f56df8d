/** Types for build-state.mjs (plain JavaScript so bin/relsim.js can run it before anything is compiled). */
export declare const ROOT: string;
export declare const DIST: string;
export declare const STAMP: string;
/** `root`: the checkout to ask about (default: this one). */
export declare function buildState(root?: string): { fresh: boolean; why: string };
