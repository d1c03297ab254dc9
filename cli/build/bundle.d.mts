// Types of bundle.mjs, which is plain JavaScript because it runs before tsx is available.
/** Where the bundle goes. */
export declare const BUNDLE_DIR: string;
/** The folders whose TypeScript the bundle holds. */
export declare const SOURCE_DIRS: string[];
/** True when the bundle in `dir` (default BUNDLE_DIR) exists and is newer than every file it was built from and the package manifests. */
export declare function bundleIsFresh(dir?: string): boolean;
/** Builds the bundle into `outdir` (default BUNDLE_DIR), with the list of its inputs beside it; resolves with `outdir`. */
export declare function bundleCli(outdir?: string): Promise<string>;
