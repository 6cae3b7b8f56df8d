/** Types for build-state.mjs (plain JavaScript so bin/relsim.js can run it before anything is compiled). */
export declare const ROOT: string;
export declare const DIST: string;
export declare const STAMP: string;
export declare function buildState(): { fresh: boolean; why: string };
