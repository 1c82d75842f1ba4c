/**
 * Why Datadog will not let a stream be read, in the one wording `retriever check` and a sync's skip
 * warning share. Pure (no imports): workflow code calls it too.
 *
 * 403 is a permission the application key lacks; 404 is an endpoint or product this organisation
 * does not have (not enabled, or not on its site), which no permission would change. An endpoint
 * only parent-level organisations may call refuses a child organisation's keys too.
 */
export function unreadableReason(status: number | undefined, permission: string, parentOrgOnly = false): string {
  if (status === 404) return 'not available: the product or endpoint is not available for this organisation (Datadog answered 404)';
  const needs = permission === '' ? '' : `the application key needs ${permissionWords(permission)}`;
  if (parentOrgOnly) {
    return `refused: Datadog serves this endpoint to parent-level organisations only, so keys of a child organisation are refused${needs ? `; and ${needs}` : ''}`;
  }
  if (permission === '') return "refused: Datadog's spec names no permission for this endpoint; the keys' user or organisation may lack access to the product";
  return `refused: ${needs}`;
}

/** `the "a" permission`; several needed together: `both the "a" and "b" permissions` (`all of` for more). */
function permissionWords(permission: string): string {
  const all = permission.split(' and ').map((p) => p.trim());
  if (all.length === 1) return `the "${permission}" permission`;
  const quoted = all.map((p) => `"${p}"`);
  return `${all.length === 2 ? 'both' : 'all of'} the ${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]} permissions`;
}
