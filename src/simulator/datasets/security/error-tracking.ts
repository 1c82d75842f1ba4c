/** Error Tracking issues, each with the times of its errors. */
import { SERVICES } from '../../data';
import { between, hashUnit, pick, randomId, seededRandom, uuid } from '../../random';
import type { Json } from '../catalog';
import { DAY, HEX, MINUTE } from './values';

/** An issue and the times of its errors (sorted): it matches a window when it had an error in it. */
export interface StoredIssue {
  id: string;
  track: 'trace' | 'logs' | 'rum';
  attributes: Json & { service: string; platform: string };
  errors: number[];
  sessions: number;
}

const ERRORS = [
  { error_type: 'builtins.TypeError', error_message: "object of type 'NoneType' has no len()", language: 'PYTHON', file: '/app/conduit/apps/core/utils.py', fn: 'filter_forbidden_tags' },
  { error_type: 'java.lang.NullPointerException', error_message: 'Cannot invoke "Order.total()" because "order" is null', language: 'JAVA', file: 'src/main/java/shop/Checkout.java', fn: 'Checkout.submit' },
  { error_type: '*errors.errorString', error_message: 'context deadline exceeded', language: 'GO', file: 'internal/search/client.go', fn: 'search.(*Client).Query' },
  { error_type: 'TypeError', error_message: "Cannot read properties of undefined (reading 'items')", language: 'JAVASCRIPT', file: 'src/cart/CartView.tsx', fn: 'renderCart' },
  { error_type: 'ActiveRecord::RecordNotFound', error_message: "Couldn't find User with 'id'=0", language: 'RUBY', file: 'app/controllers/users_controller.rb', fn: 'UsersController#show' },
];

/**
 * `count` issues over [from, to): most burst for minutes to hours and stop; about one in seven keeps
 * failing every hour or so across the whole range (and began long before it), so it is in every window.
 */
export function generateIssues(seed: number, count: number, from: number, to: number): StoredIssue[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => issue(random, from, to));
}

export function issue(random: () => number, from: number, to: number): StoredIssue {
  const track = pick(random, ['trace', 'trace', 'logs', 'rum'] as const);
  const template = pick(random, ERRORS);
  const platform = track === 'rum' ? pick(random, ['BROWSER', 'BROWSER', 'IOS', 'ANDROID']) : 'BACKEND';
  const errors: number[] = [];
  if (random() < 0.15) {
    const gap = between(random, 20, 180) * MINUTE;
    for (let t = from - between(random, 1, 30) * DAY + between(random, 0, gap); t < to; t += gap) errors.push(t);
  } else {
    const start = from + Math.floor(random() * (to - from));
    const span = between(random, 5, 8 * 60) * MINUTE;
    const n = between(random, 1, 25);
    for (let k = 0; k < n; k++) errors.push(start + Math.floor(random() * span));
    errors.sort((a, b) => a - b);
  }
  const version = () => randomId(random, 8, HEX);
  return {
    id: uuid(random),
    track,
    errors,
    sessions: between(random, 0, 40),
    attributes: {
      error_type: template.error_type,
      error_message: template.error_message,
      file_path: template.file,
      function_name: template.fn,
      service: `${pick(random, SERVICES)}${track === 'rum' ? '-web' : ''}`,
      platform,
      languages: [track === 'rum' ? 'JAVASCRIPT' : template.language],
      state: pick(random, ['OPEN', 'OPEN', 'OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'IGNORED']),
      first_seen_version: version(),
      last_seen_version: version(),
      is_crash: random() < 0.05,
    },
  };
}

/** First index whose value is at least `t` (errors are sorted). */
export function firstAtLeast(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A stable number in [0, 1) for an issue: its priority, for `order_by: PRIORITY`. */
export function issuePriority(issue: StoredIssue): number {
  return hashUnit(issue.id);
}
