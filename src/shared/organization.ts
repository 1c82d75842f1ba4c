/** The organisation of requests that name none, and of rows written before there were several. */
export const DEFAULT_ORGANIZATION = 'default';

/** The organisation, in one-line summaries, when it is not the default one. */
export function organizationNote(organization: string): string {
  return organization === DEFAULT_ORGANIZATION ? '' : ` · organization ${organization}`;
}
