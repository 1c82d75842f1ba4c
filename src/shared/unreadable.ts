/**
 * Why Datadog will not let a stream be read, in the one wording `retriever check` and a sync's skip
 * warning share. Pure (no imports): workflow code calls it too.
 *
 * 403 is a permission the application key lacks; 404 is an endpoint or product this organisation
 * does not have (not enabled, or not on its site), which no permission would change.
 */
export function unreadableReason(status: number | undefined, permission: string): string {
  if (status === 404) return 'not available: the product or endpoint is not available for this organisation (Datadog answered 404)';
  if (permission === '') return "refused: Datadog's spec names no permission for this endpoint; the keys' user or organisation may lack access to the product";
  return `refused: the application key needs the "${permission}" permission`;
}
