/**
 * A helper extension for test/e2e/lmProvider.ts, loaded into code-server next to Sentry RCA: it registers
 * a chat model through VS Code 1.100's proposed chat-provider API (`vscode.lm.registerChatModelProvider`,
 * proposal `chatProvider`, enabled with `--enable-proposed-api`). The model asks for the user's consent
 * like a real provider's (`auth: true`: VS Code shows "The extension … wants to access the language
 * models provided by …"), then answers from a script the test writes: a tool call, then text streamed in
 * pieces that quotes the tool result it received, or a `LanguageModelError`.
 *
 * Script (JSON array in $SENTRY_RCA_TEST_LM_SCRIPT; each request takes the first entry):
 *   { "kind": "tools", "calls": [{ "name": "read_file", "input": {…} }] }
 *   { "kind": "text", "chunks": ["…"], "quoteToolResult": true, "holdAfter": 1 }  (holds until $…_RELEASE exists)
 *   { "kind": "error", "code": "Blocked" | "NotFound" | "NoPermissions", "message": "…" }
 * Every request is appended to $SENTRY_RCA_TEST_LM_LOG (one JSON line: roles, texts, tool calls and results).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';

interface ToolReply {
  kind: 'tools';
  calls: Array<{ name: string; input: object }>;
}
interface TextReply {
  kind: 'text';
  chunks: string[];
  quoteToolResult?: boolean;
  holdAfter?: number;
  delayMs?: number;
}
interface ErrorReply {
  kind: 'error';
  code: 'Blocked' | 'NotFound' | 'NoPermissions';
  message: string;
}
type Reply = ToolReply | TextReply | ErrorReply;

/** VS Code 1.100's `chatProvider` proposal, as its extension host implements it. */
interface ChatResponseFragment2 {
  index: number;
  part: vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart;
}
interface ChatModelProvider {
  provideLanguageModelResponse(
    messages: vscode.LanguageModelChatMessage[],
    options: vscode.LanguageModelChatRequestOptions,
    extensionId: string,
    progress: vscode.Progress<ChatResponseFragment2>,
    token: vscode.CancellationToken,
  ): Thenable<void>;
  provideTokenCount(text: string | vscode.LanguageModelChatMessage, token: vscode.CancellationToken): Thenable<number>;
}
interface ChatModelMetadata {
  vendor: string;
  name: string;
  family: string;
  version: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  auth?: true | { label: string };
  isUserSelectable?: boolean;
  capabilities?: { toolCalling?: boolean; vision?: boolean };
}
type LmWithProvider = typeof vscode.lm & {
  registerChatModelProvider(id: string, provider: ChatModelProvider, metadata: ChatModelMetadata): vscode.Disposable;
};

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`lm stand-in: ${name} is not set`);
  return v;
};

function nextReply(): Reply {
  const file = env('SENTRY_RCA_TEST_LM_SCRIPT');
  const script = JSON.parse(readFileSync(file, 'utf8')) as Reply[];
  const reply = script.shift();
  if (!reply) throw new Error('lm stand-in: the script has no reply for this request');
  writeFileSync(file, JSON.stringify(script));
  return reply;
}

function textOf(part: unknown): string {
  return part instanceof vscode.LanguageModelTextPart ? part.value : '';
}

/**
 * A tool result as a provider receives it: VS Code 1.100 hands providers `LanguageModelToolResultPart2`
 * objects (proposal API), not the public `LanguageModelToolResultPart` the requester sent.
 */
function isToolResult(part: unknown): part is { callId: string; content: unknown[] } {
  return (
    part instanceof vscode.LanguageModelToolResultPart ||
    (!!part &&
      typeof (part as { callId?: unknown }).callId === 'string' &&
      Array.isArray((part as { content?: unknown }).content))
  );
}

/** What the model received, for the test's assertions. */
function summary(messages: vscode.LanguageModelChatMessage[], options: vscode.LanguageModelChatRequestOptions) {
  return {
    tools: (options.tools ?? []).map((t) => t.name),
    messages: messages.map((m) => ({
      role: m.role === vscode.LanguageModelChatMessageRole.User ? 'user' : 'assistant',
      text: m.content.map(textOf).join(''),
      toolCalls: m.content
        .filter((p): p is vscode.LanguageModelToolCallPart => p instanceof vscode.LanguageModelToolCallPart)
        .map((p) => ({ callId: p.callId, name: p.name, input: p.input })),
      toolResults: m.content
        .filter(isToolResult)
        .map((p) => ({ callId: p.callId, text: p.content.map(textOf).join('') })),
    })),
  };
}

const sleep = (ms: number, token: vscode.CancellationToken) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    token.onCancellationRequested(() => {
      clearTimeout(t);
      resolve();
    });
  });

export function activate(context: vscode.ExtensionContext): void {
  let calls = 0;
  const provider: ChatModelProvider = {
    async provideLanguageModelResponse(messages, options, _extensionId, progress, token) {
      const seen = summary(messages, options);
      appendFileSync(env('SENTRY_RCA_TEST_LM_LOG'), `${JSON.stringify(seen)}\n`);
      const reply = nextReply();
      if (reply.kind === 'error') throw vscode.LanguageModelError[reply.code](reply.message);
      if (reply.kind === 'tools') {
        // Like a real model: a call answers a tool the request offered, with an id of the provider's own.
        for (const [index, c] of reply.calls.entries()) {
          if (!seen.tools.includes(c.name)) throw new Error(`lm stand-in: ${c.name} was not offered`);
          progress.report({ index, part: new vscode.LanguageModelToolCallPart(`toolu_${++calls}`, c.name, c.input) });
        }
        return;
      }
      const results = seen.messages.flatMap((m) => m.toolResults);
      const chunks = [...reply.chunks];
      if (reply.quoteToolResult) {
        const first = results.at(-1)?.text.split('\n')[0];
        if (!first) throw new Error('lm stand-in: no tool result came back to quote');
        chunks.splice(1, 0, `The read_file result began with "${first}". `);
      }
      for (const [i, chunk] of chunks.entries()) {
        if (token.isCancellationRequested) return;
        progress.report({ index: 0, part: new vscode.LanguageModelTextPart(chunk) });
        if (reply.holdAfter === i) {
          const release = env('SENTRY_RCA_TEST_LM_RELEASE');
          while (!existsSync(release) && !token.isCancellationRequested) await sleep(50, token);
        } else await sleep(reply.delayMs ?? 60, token);
      }
    },
    provideTokenCount(text) {
      const s = typeof text === 'string' ? text : text.content.map(textOf).join(' ');
      return Promise.resolve((s.match(/\w+|[^\s\w]/g) ?? []).length);
    },
  };
  context.subscriptions.push(
    (vscode.lm as LmWithProvider).registerChatModelProvider('stand-in', provider, {
      vendor: 'sentry-rca-test',
      name: 'Stand-in Model',
      family: 'stand-in',
      version: '1',
      maxInputTokens: 128_000,
      maxOutputTokens: 4_000,
      auth: true,
      isUserSelectable: true,
      capabilities: { toolCalling: true },
    }),
  );
}
