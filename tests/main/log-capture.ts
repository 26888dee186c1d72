import { createMainLogger } from '../../main/logger';

/** A main logger whose JSON lines are kept in memory, for tests that read what was logged. */
export function createCapturingLogger(level = 'debug') {
  const lines: string[] = [];
  const logger = createMainLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return {
    logger,
    lines,
    /** All output so far as one string. */
    text: () => lines.join(''),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
