/** Datadog sites and their API hosts: the API lives at `https://api.<site>` on every site. */
export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
  'us2.ddog-gov.com',
] as const;

export type DatadogSite = (typeof DATADOG_SITES)[number];

export function apiBaseUrl(site: DatadogSite): string {
  return `https://api.${site}`;
}
