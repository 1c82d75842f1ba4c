/** The workflow bundle's entry point: deterministic code only. */
export { datadogSync } from './sync';
export { streamSync } from './stream';
export { progressQuery } from './queries';
