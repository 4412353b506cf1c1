// Entry that VS Code's extension-test mode loads inside the extension host (extensionTestsPath).
import { runMochaInHost } from '../../vscode/mochaInHost';

export function run(): Promise<void> {
  return runMochaInHost(__dirname, '.itest.js', 90_000);
}
