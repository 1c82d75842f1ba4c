import type { z } from 'zod';

/** One line per problem, each with the path of the field it concerns, e.g. `start_date: must be ...`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
    return `${path}: ${issue.message}`;
  });
}

/** Thrown for a config or request that cannot run; `problems` lists every issue, not only the first. */
export class InvalidConfigError extends Error {
  constructor(
    readonly problems: string[],
    source = 'config',
  ) {
    super(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}
