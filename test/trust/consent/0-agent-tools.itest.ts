// The agent-mode logs tool in a trusted window of a hostile repository whose .vscode/settings.json adds a
// cmd: log source for a host of the user's ssh config: before the user allowed that value (Diagnose asks),
// the tool neither uses it nor asks about it — nothing to confirm, a refusal that says how to configure
// sources, no question, and the command never runs.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import { emptyStore } from '../../../src/core/store/issueStore';
import { AgentToolNames } from '../../../src/host/ids';
import { api } from '../../integration/suite/helpers';
import { event, issue, T0 } from '../../unit/investigate/scenario';

const cfg = JSON.parse(process.env.SENTRY_RCA_TRUST_TEST ?? '{}') as { marker: string };
let a: SentryRcaTestApi;

describe("agent-mode logs tool and the repository's own log source", () => {
  before(async () => {
    a = await api();
    a.app.trust.confirm = async (q) => {
      throw new Error(`the agent tool may not ask: ${q.message}`);
    };
    const data = emptyStore();
    data.issues = [issue('101')];
    data.events = { '101': [event('e1', T0)] };
    await (await a.app.store.ready).replace(data);
  });

  after(async () => {
    await (await a.app.store.ready).replace(emptyStore());
  });

  it('the pending workspace value is not used: no confirmation, a refusal, no question, nothing run', async () => {
    assert.equal(a.app.trust.layers<string[]>('logSources').workspaceValue?.length, 1, 'the repository sets one');
    assert.deepEqual(a.app.config.settings.logSources, [], "until allowed, the user's own (none) apply");
    const tool = a.app.agentTools.tools.get(AgentToolNames.logs)!;
    const ct = new vscode.CancellationTokenSource().token;
    assert.equal(await tool.prepareInvocation!({ input: { issue: '101', host: 'buildhost' } }, ct), undefined);
    await assert.rejects(
      Promise.resolve(
        vscode.lm.invokeTool(AgentToolNames.logs, { input: { issue: '101' }, toolInvocationToken: undefined }),
      ),
      /No log sources are configured for Sentry RCA \(sentryRCA\.logs\.sources\)/,
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(existsSync(cfg.marker), false, "the repository's command never ran");
  });
});
