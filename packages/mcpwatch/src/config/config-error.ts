import { UsageError } from '../usage-error.js';

/** One thing wrong with a config file, placed where an editor can jump to it. */
export interface ConfigProblem {
  line: number;
  column: number;
  /** The field, like monitors[2].target; empty for the file as a whole. */
  path: string;
  /** What is wrong and what to do. */
  message: string;
}

/**
 * Every problem found in one config file, not just the first: fixing a file one error per run is slow.
 * Each line reads `file:line:column: field.path: what is wrong and what to do`.
 */
export class ConfigError extends UsageError {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}

export function formatProblem(file: string, problem: ConfigProblem): string {
  const field = problem.path ? `${problem.path}: ` : '';
  return `${file}:${problem.line}:${problem.column}: ${field}${problem.message}`;
}

/** `monitors[2].headers.Authorization`: indices in brackets, keys after dots. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text;
}
