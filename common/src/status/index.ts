// `@cascade/common/status`: the deployer's and the transitioner's status as they report it; types only, safe in a browser.
export type * from './deployer.ts';
export type * from './transitioner.ts';
