// Entry of the multi-root integration suite (a `.code-workspace` with two folders; see ../run.ts).
import { runMochaInHost } from '../../vscode/mochaInHost';

export function run(): Promise<void> {
  return runMochaInHost(__dirname, '.itest.js', 60_000);
}
