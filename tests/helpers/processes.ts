import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

const execFileAsync = promisify(execFile);

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without a shell and returns its exit code and output, failing or not. `input`,
 * when given, is written to the command's stdin, which is then closed.
 */
export async function run(command: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  try {
    const running = execFileAsync(command, args, { cwd: repositoryRoot, env: { ...process.env, ...options.env }, maxBuffer: 16 * 1024 * 1024 });
    if (options.input !== undefined) running.child.stdin?.end(options.input);
    const { stdout, stderr } = await running;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}
