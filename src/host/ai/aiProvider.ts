/**
 * Picks the AI of one diagnosis from `sentryRCA.ai.provider`: `auto` (a language model of this editor
 * when one is available, else the OpenAI-compatible endpoint when a key is set, else the deterministic
 * report alone), `vscode`, `openai` or `none`; and the "Choose AI Model" quick pick that saves the
 * editor model to `sentryRCA.ai.vscodeModel`.
 */
import * as vscode from 'vscode';
import { ChatModelError } from '../../core/ai/chatModel';
import { selectorOf } from '../../core/ai/providerChoice';
import { errorMessage } from '../../core/common/errors';
import type { Logger } from '../../core/common/logger';
import type { AiSetup } from '../../core/investigate/investigation';
import { CONFIG_SECTION } from '../ids';
import { SettingKeys, type Settings } from '../settings';
import { modelSelectorOf, VscodeChatModel } from './vscodeChatModel';

export interface AiProviderHost {
  settings(): Readonly<Settings>;
  log: Logger;
  /** The OpenAI key (SecretStorage, else OPENAI_API_KEY). */
  aiKey(): Promise<string | undefined>;
  /** Asks before a workspace value of the AI endpoint is used. */
  allowWorkspaceEndpoint(): Promise<void>;
}

/** The AI for one run, or null for the deterministic report alone. */
export async function resolveAi(host: AiProviderHost): Promise<AiSetup | null> {
  const s = host.settings();
  if (s.aiProvider === 'none') return null;
  if (s.aiProvider === 'auto' || s.aiProvider === 'vscode') {
    let models: vscode.LanguageModelChat[] = [];
    let failure: unknown;
    try {
      models = await vscode.lm.selectChatModels(selectorOf(s.aiVscodeModel));
    } catch (e) {
      // The Language Model API itself failed (a provider extension broke): say so, or fall back in auto.
      failure = e;
      host.log.warn(`AI: listing the editor's language models failed: ${errorMessage(e)}`);
    }
    const model = models[0];
    if (model) {
      host.log.info(`AI: ${s.aiProvider} provider uses the editor model ${model.name} (${modelSelectorOf(model)})`);
      return { chat: new VscodeChatModel(model, vscode) };
    }
    const wanted = s.aiVscodeModel ? ` matching "${s.aiVscodeModel}"` : '';
    if (s.aiProvider === 'vscode')
      return {
        label: `VS Code language model${wanted}`,
        unavailable: new ChatModelError(
          'no-model',
          `No language model${wanted} is available in this editor${failure ? ` (${errorMessage(failure)})` : ''}.`,
          'Install and sign in to an extension that provides one (such as GitHub Copilot), choose another with "Sentry RCA: Choose AI Model", or set sentryRCA.ai.provider to openai or none.',
        ),
      };
    host.log.info(`AI: no editor language model${wanted}; auto falls back to the OpenAI-compatible API`);
  }
  const apiKey = await host.aiKey();
  if (!apiKey) return null;
  await host.allowWorkspaceEndpoint();
  const after = host.settings();
  const baseUrl = after.aiBaseUrl || process.env.OPENAI_BASE_URL || '';
  return { apiKey, model: after.aiModel || 'gpt-4o-mini', ...(baseUrl ? { baseUrl } : {}) };
}

/** "Sentry RCA: Choose AI Model": the editor's models in a quick pick; the choice goes to the user's settings. */
export async function chooseAiModel(settings: () => Readonly<Settings>): Promise<string | undefined> {
  const models = await vscode.lm.selectChatModels();
  if (models.length === 0) {
    void vscode.window.showInformationMessage(
      'Sentry RCA: no language model is available in this editor. Install and sign in to an extension that provides one (such as GitHub Copilot), or use an OpenAI-compatible API ("Sentry RCA: Set OpenAI API Key").',
    );
    return undefined;
  }
  const current = settings().aiVscodeModel;
  const items: Array<vscode.QuickPickItem & { value: string }> = [
    {
      label: 'First available model',
      description: current === '' ? '(current)' : '',
      detail: 'Whichever language model the editor offers first',
      value: '',
    },
    ...models.map((m) => {
      const value = modelSelectorOf(m);
      return {
        label: m.name,
        description: `${value}${value === current ? ' (current)' : ''}`,
        detail: `${m.vendor} · up to ${m.maxInputTokens.toLocaleString('en-US')} input tokens`,
        value,
      };
    }),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Sentry RCA: Choose AI Model',
    placeHolder: 'The editor language model that writes the AI part of a diagnosis',
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  await vscode.workspace
    .getConfiguration(CONFIG_SECTION)
    .update(SettingKeys.aiVscodeModel, pick.value, vscode.ConfigurationTarget.Global);
  const provider = settings().aiProvider;
  void vscode.window.showInformationMessage(
    `Sentry RCA: diagnoses use ${pick.value ? `${pick.label} (${pick.value})` : 'the first available editor model'}${
      provider === 'openai' || provider === 'none'
        ? ` once sentryRCA.ai.provider is auto or vscode (it is ${provider} now)`
        : ''
    }.`,
  );
  return pick.value;
}
