import type { DatadogCredentials } from '../datadog/client';
import { DEFAULT_ORGANIZATION } from '../shared/organization';
import { InvalidConfigError } from './issues';
import { DATADOG_SITES, type DatadogSite } from './sites';

/**
 * Several Datadog organisations in one deployment. Each has its keys (and, optionally, its site and
 * a base URL) in the worker's environment: the plain `DD_API_KEY`, `DD_APP_KEY` for the default
 * organisation, `DD_API_KEY__EU`, `DD_APP_KEY__EU`, `DD_SITE__EU`, `DD_BASE_URL__EU` for one named
 * `eu`. A sync request only names the organisation; its keys never travel with it.
 */

/** An organisation's name: what requests, workflow IDs and the `_retriever_organization` column hold. */
export const ORGANIZATION_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** What ORGANIZATION_PATTERN asks for, in the words of a refusal. */
export const ORGANIZATION_RULE = 'lower-case letters, digits and "_", starting with a letter, at most 32';

export interface OrganizationSettings {
  credentials: DatadogCredentials;
  /** The organisation's site, when its environment names one (it wins over the request's). */
  site?: DatadogSite;
  /** Overrides https://api.<site> (a proxy, the simulator). */
  baseUrl?: string;
}

/** How a worker finds an organisation's settings; throws InvalidConfigError naming what is missing. */
export type OrganizationLookup = (organization: string) => OrganizationSettings;

/** The variable that holds `base` for `organization`: `DD_API_KEY`, or `DD_API_KEY__EU` for `eu`. */
export function organizationVariable(base: string, organization: string): string {
  return organization === DEFAULT_ORGANIZATION ? base : `${base}__${organization.toUpperCase()}`;
}

/** Reads an organisation's settings from an environment (the worker's, by default). */
export function organizationsFromEnv(env: NodeJS.ProcessEnv = process.env): OrganizationLookup {
  return (organization) => {
    const read = (base: string) => {
      const value = env[organizationVariable(base, organization)];
      return value === undefined || value === '' ? undefined : value;
    };
    const apiKey = read('DD_API_KEY');
    const appKey = read('DD_APP_KEY');
    const site = read('DD_SITE');
    const whose = organization === DEFAULT_ORGANIZATION ? '' : ` of organization "${organization}"`;
    const problems = [
      !apiKey && `${organizationVariable('DD_API_KEY', organization)}: not set (the Datadog API key${whose})`,
      !appKey && `${organizationVariable('DD_APP_KEY', organization)}: not set (the Datadog application key${whose})`,
      site !== undefined && !(DATADOG_SITES as readonly string[]).includes(site) && `${organizationVariable('DD_SITE', organization)}: "${site}" is not one of ${DATADOG_SITES.join(', ')}`,
    ].filter((p): p is string => Boolean(p));
    if (problems.length > 0) throw new InvalidConfigError(problems, "the worker's environment");
    return { credentials: { apiKey: apiKey!, appKey: appKey! }, site: site as DatadogSite | undefined, baseUrl: read('DD_BASE_URL') };
  };
}

/** The organisations an environment holds keys for: `default` (the plain variables) and every `DD_API_KEY__<NAME>`. */
export function configuredOrganizations(env: NodeJS.ProcessEnv = process.env): string[] {
  const named = Object.keys(env)
    .map((name) => /^DD_API_KEY__([A-Z][A-Z0-9_]*)$/.exec(name)?.[1])
    .filter((name): name is string => Boolean(name) && Boolean(env[`DD_API_KEY__${name}`]))
    .map((name) => name.toLowerCase());
  return [...(env.DD_API_KEY ? [DEFAULT_ORGANIZATION] : []), ...named];
}
