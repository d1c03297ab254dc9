// Types of bundle.mjs, which is plain JavaScript because it runs before tsx is available.
/** Where the bundle goes. */
export declare const BUNDLE_DIR: string;
/** The folders whose TypeScript the bundle holds. */
export declare const SOURCE_DIRS: string[];
/** The newest modification time among the bundled sources and their package manifests. */
export declare function newestSourceMtime(): number;
/** True when the bundle in `dir` (default BUNDLE_DIR) exists and is newer than every source file. */
export declare function bundleIsFresh(dir?: string): boolean;
/** Builds the bundle into `outdir` (default BUNDLE_DIR); resolves with it. */
export declare function bundleCli(outdir?: string): Promise<string>;
