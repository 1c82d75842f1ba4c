/**
 * The security, CI Visibility, error tracking, APM configuration and DORA data of the simulated
 * organisation, in the shapes of Datadog's spec and recorded responses, all derived from the seed.
 */
import { compareTimed, type Timed } from '../../data';
import { seededRandom } from '../../random';
import { TimedList, type SortedRecords } from '../../search-records';
import type { Json } from '../catalog';
import { detectedAt, generateFindings, generateRetentionFilters, generateRules, generateSecurityFilters, generateServices, generateSpanMetrics, generateSuppressions } from './configuration';
import { firstAtLeast, generateIssues, issue, type StoredIssue } from './error-tracking';
import { DEFAULT_COUNTS, DORA_STREAMS, SECURITY_SEARCH_STREAMS, type DoraStream, type SecuritySearchStream, type SecurityStream, type SecurityWorldOptions } from './streams';
import { DORA_GENERATORS, SEARCH_GENERATORS, spread } from './timed-records';

export { issuePriority, type StoredIssue } from './error-tracking';
export {
  DORA_STREAMS,
  SECURITY_LIST_STREAMS,
  SECURITY_SEARCH_STREAMS,
  SECURITY_STREAMS,
  type DoraStream,
  type SecurityListStream,
  type SecuritySearchStream,
  type SecurityStream,
  type SecurityWorldOptions,
} from './streams';
import { sortedIds, truthOf, type Truths } from '../../ground-truth';

/** Records with `{id}` and a time, sorted by (time, id). */
type TimedJson = Timed<Json & { id: string }>;

export class SecurityWorld {
  private readonly search: Record<SecuritySearchStream, SortedRecords>;
  private readonly dora: Record<DoraStream, TimedJson[]>;
  private issues: StoredIssue[];
  readonly rules: Json[];
  readonly findings: Json[];
  readonly suppressions: Json[];
  readonly securityFilters: Json[];
  readonly retentionFilters: Json[];
  readonly spanMetrics: Json[];
  readonly services: { name: string; envs: string[]; traced: boolean; usm: boolean }[];
  private readonly ciPartialEvery?: number;
  private ciAnswers = 0;
  private nextSeed: number;

  constructor(
    seed: number,
    private readonly clock: () => number,
    range: { from: number; to: number },
    options: SecurityWorldOptions = {},
  ) {
    const count = (stream: SecurityStream) => options.counts?.[stream] ?? DEFAULT_COUNTS[stream];
    const now = clock();
    this.ciPartialEvery = options.ciPartialEvery;
    this.search = { security_signals: new TimedList([]), ci_pipeline_events: new TimedList([]), ci_test_events: new TimedList([]) };
    SECURITY_SEARCH_STREAMS.forEach((stream, i) => {
      this.search[stream] = new TimedList(spread(seed * 37 + i + 1, count(stream), range.from, range.to, SEARCH_GENERATORS[stream]).sort(compareTimed));
    });
    this.dora = { dora_deployments: [], dora_failures: [] };
    DORA_STREAMS.forEach((stream, i) => {
      this.dora[stream] = spread(seed * 41 + i + 1, count(stream), range.from, range.to, DORA_GENERATORS[stream], 1000).sort(compareTimed);
    });
    this.issues = generateIssues(seed * 43 + 1, count('error_tracking_issues'), range.from, range.to);
    const random = seededRandom(seed ^ 0x5ec);
    this.rules = generateRules(random, count('security_rules'), now);
    this.findings = generateFindings(random, count('security_findings'), now).sort((a, b) => detectedAt(b) - detectedAt(a));
    this.suppressions = generateSuppressions(random, count('security_suppressions'), now);
    this.securityFilters = generateSecurityFilters(random, count('security_filters'));
    this.retentionFilters = generateRetentionFilters(random, count('apm_retention_filters'), now);
    this.spanMetrics = generateSpanMetrics(random, count('span_based_metrics'));
    this.services = generateServices(random, count('apm_services'));
    this.nextSeed = seed * 47 + 2_000_003;
  }

  /** A search stream's records by position, and the end of what is visible now (the search route pages through them). */
  searchIndex(stream: SecuritySearchStream): { records: SortedRecords; visibleBefore: number } {
    return { records: this.search[stream], visibleBefore: this.clock() + 1 };
  }

  /** Whether this answer of a CI Visibility list is to be a partial one (`ciPartialEvery`). */
  ciAnswerIsPartial(): boolean {
    return this.ciPartialEvery !== undefined && ++this.ciAnswers % this.ciPartialEvery === 0;
  }

  /** DORA events whose `started_at` is in [from, to) and not in the future, in time order. */
  doraBetween(stream: DoraStream, from: number, to: number): (Json & { id: string })[] {
    const end = Math.min(to, this.clock() + 1);
    return this.dora[stream].filter((r) => r.ts >= from && r.ts < end).map((r) => r.record);
  }

  /** The issues with at least one error in [from, to) (errors not yet happened are not seen), with their errors in it. */
  issuesBetween(from: number, to: number): { issue: StoredIssue; count: number }[] {
    const end = Math.min(to, this.clock() + 1);
    const out: { issue: StoredIssue; count: number }[] = [];
    for (const issue of this.issues) {
      const count = firstAtLeast(issue.errors, end) - firstAtLeast(issue.errors, from);
      if (count > 0) out.push({ issue, count });
    }
    return out;
  }

  /** The `Issue` resource as the search endpoint includes it: first and last error seen so far. */
  issueResource(issue: StoredIssue): Json {
    const seen = issue.errors.slice(0, firstAtLeast(issue.errors, this.clock() + 1));
    return {
      id: issue.id,
      type: 'issue',
      attributes: { ...issue.attributes, first_seen: seen[0], last_seen: seen[seen.length - 1] },
    };
  }

  /**
   * Adds records as if Datadog had just received them, with times in [from, to): events, DORA events,
   * or new issues with errors there. Returns their ids.
   */
  add(stream: SecuritySearchStream | DoraStream | 'error_tracking_issues', count: number, from: number, to: number): string[] {
    const seed = this.nextSeed++;
    if (stream === 'error_tracking_issues') {
      const random = seededRandom(seed);
      const added = Array.from({ length: count }, () => {
        const made = issue(random, from, to);
        // Errors only inside [from, to): a late or a new issue, not a long-lived one.
        made.errors = made.errors.filter((t) => t >= from && t < to);
        if (made.errors.length === 0) made.errors = [from + Math.floor(random() * (to - from))];
        return made;
      });
      this.issues = [...this.issues, ...added];
      return added.map((i) => i.id);
    }
    if (stream === 'dora_deployments' || stream === 'dora_failures') {
      const added = spread(seed, count, from, to, DORA_GENERATORS[stream], 1000);
      this.dora[stream] = [...this.dora[stream], ...added].sort(compareTimed);
      return added.map((r) => r.record.id);
    }
    const added = spread(seed, count, from, to, SEARCH_GENERATORS[stream]);
    this.search[stream] = new TimedList([...this.search[stream].all(), ...added].sort(compareTimed));
    return added.map((r) => r.record.id);
  }

  /** The service list for `filter[env]` (`*`: every environment). */
  servicesIn(env: string): { name: string; traced: boolean; usm: boolean }[] {
    return this.services.filter((s) => env === '*' || s.envs.includes(env));
  }

  /** The ids a correct sync of `stream` holds (sorted as strings); for timed streams, of [window.from, window.to). */
  groundTruth(stream: SecurityStream, window: { from: number; to: number } = { from: 0, to: Number.MAX_SAFE_INTEGER }): string[] {
    const searched = (stream: SecuritySearchStream) => () => {
      const { records, visibleBefore } = this.searchIndex(stream);
      const out: string[] = [];
      for (let i = 0; i < records.length; i++) if (records.time(i) >= window.from && records.time(i) < Math.min(window.to, visibleBefore)) out.push(records.id(i));
      return out.sort();
    };
    const dora = (stream: DoraStream) => () => sortedIds(this.doraBetween(stream, window.from, window.to));
    const truths: Truths<SecurityStream> = {
      security_signals: searched('security_signals'),
      ci_pipeline_events: searched('ci_pipeline_events'),
      ci_test_events: searched('ci_test_events'),
      dora_deployments: dora('dora_deployments'),
      dora_failures: dora('dora_failures'),
      error_tracking_issues: () => this.issuesBetween(window.from, window.to).map((m) => m.issue.id).sort(),
      security_rules: this.rules,
      security_findings: this.findings,
      security_suppressions: this.suppressions,
      security_filters: this.securityFilters,
      apm_retention_filters: this.retentionFilters,
      span_based_metrics: this.spanMetrics,
      apm_services: () => this.servicesIn('*').map((s) => s.name).sort(),
    };
    return truthOf(stream, truths)!;
  }
}
