import type { Send } from './client';
import { DatadogApiError } from './errors';
import type { ApiRequest } from './request';

/**
 * Checking the two keys, shared by planSync (before a sync) and `retriever check`. Only 401 and 403
 * mean a key was rejected; any other failure is thrown for the caller to retry or report.
 */

export interface KeyVerdict {
  /** `unchecked`: no endpoint this API has could tell (the streams then show whether the key works). */
  outcome: 'accepted' | 'rejected' | 'unchecked';
  /** What was asked and what it answered, to finish a message with. */
  detail: string;
  /** Set when the usual question could not be asked, and the answer came another way. */
  fallback?: boolean;
  /** The HTTP status of a rejection. */
  status?: number;
}

/** Sees only the API key. */
export const VALIDATE: ApiRequest = { method: 'GET', path: '/api/v1/validate', query: {} };
/** Needs both keys and no permission; missing from older Datadog APIs (and older copies of the spec). */
export const CURRENT_USER: ApiRequest = { method: 'GET', path: '/api/v2/current_user', query: {} };
/** Where current_user is missing: one user, the cheapest list every organisation has that needs the application key. */
export const ONE_USER: ApiRequest = { method: 'GET', path: '/api/v2/users', query: { 'page[size]': '1' } };

function isRejection(err: unknown): err is DatadogApiError {
  return err instanceof DatadogApiError && (err.kind === 'auth' || err.kind === 'forbidden');
}

function isMissing(err: unknown): boolean {
  return err instanceof DatadogApiError && err.kind === 'not_found';
}

export async function checkApiKey(send: Send): Promise<KeyVerdict> {
  try {
    await send(VALIDATE, { apiKeyOnly: true });
    return { outcome: 'accepted', detail: `${VALIDATE.path} accepted it` };
  } catch (err) {
    if (isRejection(err)) return { outcome: 'rejected', status: err.status, detail: `${VALIDATE.path} answered HTTP ${err.status}` };
    throw err;
  }
}

/** Asks current_user; where this API has none (404), a one-record page of users instead. */
export async function checkApplicationKey(send: Send): Promise<KeyVerdict> {
  try {
    await send(CURRENT_USER);
    return { outcome: 'accepted', detail: `${CURRENT_USER.path} accepted it` };
  } catch (err) {
    if (isRejection(err)) return { outcome: 'rejected', status: err.status, detail: `${CURRENT_USER.path} answered HTTP ${err.status}` };
    if (!isMissing(err)) throw err;
  }
  const missing = `${CURRENT_USER.path} is not available here (HTTP 404)`;
  try {
    await send(ONE_USER);
    return { outcome: 'accepted', fallback: true, detail: `${missing}; ${ONE_USER.path} accepted it` };
  } catch (err) {
    if (isRejection(err)) {
      return {
        outcome: 'rejected',
        status: err.status,
        detail: `${missing} and ${ONE_USER.path}, asked instead, answered HTTP ${err.status} (a key without the user_access_read permission is refused there too)`,
      };
    }
    if (isMissing(err)) return { outcome: 'unchecked', detail: `neither ${CURRENT_USER.path} nor ${ONE_USER.path} is available here (HTTP 404)` };
    throw err;
  }
}
