/**
 * Which AI provider a diagnosis uses, from the layers of `sentryRCA.ai.provider`. The setting only ever
 * picks among destinations the user set up: a language model installed in their editor (VS Code asks
 * their consent before an extension first uses it), or the OpenAI-compatible endpoint with their own key
 * (a workspace value of its URL needs consent, see workspaceValues.ts). One rule keeps a repository from
 * sending data anywhere when the user said no: when the user's own value is `none`, the workspace's
 * value is ignored.
 */
import type { SettingLayers } from '../trust/workspaceValues';

export const AI_PROVIDERS = ['auto', 'vscode', 'openai', 'none'] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];

const isProvider = (v: unknown): v is AiProvider => (AI_PROVIDERS as readonly unknown[]).includes(v);

export function effectiveProvider(layers: SettingLayers<unknown>): AiProvider {
  const mine = isProvider(layers.globalValue) ? layers.globalValue : 'auto';
  if (mine === 'none') return 'none';
  const theirs = layers.workspaceFolderValue ?? layers.workspaceValue;
  return isProvider(theirs) ? theirs : mine;
}

/** `sentryRCA.ai.vscodeModel` as a `vscode.lm` selector: `copilot/gpt-4o` → vendor and family, `copilot` → vendor, empty → any. */
export function selectorOf(setting: string): { vendor?: string; family?: string } {
  const [vendor, ...rest] = setting.trim().split('/');
  const family = rest.join('/').trim();
  return { ...(vendor?.trim() ? { vendor: vendor.trim() } : {}), ...(family ? { family } : {}) };
}
