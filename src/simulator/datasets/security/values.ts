/** Units and values the security datasets share. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const HEX = '0123456789abcdef';
export const ENVS = ['prod', 'prod', 'prod', 'staging'];
