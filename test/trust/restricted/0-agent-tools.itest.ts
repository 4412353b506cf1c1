// The agent-mode tools in Restricted Mode (an untrusted hostile repository): the stored issues and their
// frames are there for the agent, the diagnosis (git) and server logs (SSH) are refused with the reason,
// no consent question is asked and nothing runs — even with a log source in the user's own settings.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import { emptyStore } from '../../../src/core/store/issueStore';
import { AgentToolNames } from '../../../src/host/ids';
import { api, setSetting, waitFor } from '../../integration/suite/helpers';
import { event, issue, T0 } from '../../unit/investigate/scenario';

const cfg = JSON.parse(process.env.SENTRY_RCA_TRUST_TEST ?? '{}') as { marker: string };
const MARKER = `${cfg.marker}-agent-tool`;
let a: SentryRcaTestApi;

async function invoke(name: string, input: object): Promise<string> {
  const r = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

describe('agent-mode tools in Restricted Mode', () => {
  before(async () => {
    a = await api();
    assert.equal(a.app.restricted.active, true);
    a.app.trust.confirm = async (q) => {
      throw new Error(`no question may be asked in Restricted Mode: ${q.message}`);
    };
    const store = await a.app.store.ready;
    const data = emptyStore();
    data.issues = [issue('101')];
    data.events = { '101': [event('e1', T0)] };
    await store.replace(data);
    // The user's own log source (not the repository's): still nothing runs in Restricted Mode.
    await setSetting('logs.sources', [`buildhost=cmd:touch ${MARKER}`]);
    await waitFor('the user setting read', () => a.app.config.settings.logSources.length === 1);
  });

  after(async () => {
    await setSetting('logs.sources', undefined);
    await waitFor('the user setting gone', () => a.app.config.settings.logSources.length === 0);
    await (await a.app.store.ready).replace(emptyStore());
  });

  it('stored issues and their facts are readable', async () => {
    const list = await invoke(AgentToolNames.issues, {});
    assert.match(list, /^Issues 1–1 of 1 matching/);
    const one = JSON.parse(await invoke(AgentToolNames.issue, { issue: 'ORDERS-101' }));
    assert.equal(one.issue.id, '101');
    assert.equal(one.event.id, 'e1');
    assert.equal(one.frames.length, 3);
  });

  it('the diagnosis and server logs are refused with the reason; no confirmation, no question, nothing run', async () => {
    await assert.rejects(
      invoke(AgentToolNames.diagnose, { issue: '101' }),
      /The diagnosis \(it reads git history\) is off: Sentry RCA is in Restricted Mode/,
    );
    const tool = a.app.agentTools.tools.get(AgentToolNames.logs)!;
    const ct = new vscode.CancellationTokenSource().token;
    assert.equal(
      await tool.prepareInvocation!({ input: { issue: '101' } }, ct),
      undefined,
      'nothing to confirm: it will not run',
    );
    await assert.rejects(
      invoke(AgentToolNames.logs, { issue: '101' }),
      /Fetching server logs over SSH is off: Sentry RCA is in Restricted Mode/,
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(existsSync(MARKER), false, 'the log source command never ran');
  });
});
