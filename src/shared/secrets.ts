/**
 * Field names that would carry credentials. A request holding one is refused, wherever in it the
 * field sits: keys belong in the worker's environment. Pure: the workflow checks its own input with
 * it before any activity is scheduled (so a key given by mistake is never copied into history again).
 */
export const SECRET_FIELDS = ['api_key', 'application_key', 'app_key', 'apiKey', 'appKey', 'dd_api_key', 'dd_app_key', 'password'];

/** Paths of every secret-named field in a JSON value (`api_key`, `stream_options.logs.app_key`). */
export function secretFieldsIn(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const path = Array.isArray(value) ? `${prefix}${key}` : prefix ? `${prefix}.${key}` : key;
    if (!Array.isArray(value) && SECRET_FIELDS.includes(key)) found.push(path);
    else found.push(...secretFieldsIn(inner, Array.isArray(value) ? `${path}.` : path));
  }
  return found;
}

/** The one message for a refused secret, naming where it was and where keys belong. */
export function secretProblem(path: string): string {
  return `${path}: secrets are not accepted here; set DD_API_KEY and DD_APP_KEY in the worker's environment`;
}
