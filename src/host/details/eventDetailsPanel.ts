/**
 * "Event details": one read-only webview per event (showing it again re-focuses it). A webview rather
 * than a virtual text document because the view is a set of tables (tags with their distribution bars,
 * breadcrumbs with level and category icons, headers) that a text document would flatten, and it follows
 * the theme through VS Code's CSS variables. Same rules as the diagnosis panel: strict CSP with a nonce,
 * resources only from dist/ and media/, text rendered as text (src/webview/eventDetails.ts), messages
 * checked both ways (src/shared/eventDetailsProtocol.ts). Its own small bundle, so the panel's is untouched.
 */
import * as vscode from 'vscode';
import { DisposableBase } from '../../core/common/lifecycle';
import {
  isDetailsWebviewToHost,
  type DetailsHostToWebview,
  type EventDetailsView,
} from '../../shared/eventDetailsProtocol';
import { InternalIds } from '../ids';
import { openWebviewPanel, webviewPage } from '../webviewPage';

export const EVENT_DETAILS_VIEW_TYPE = InternalIds.eventDetailsPanel;

export class EventDetailsPanel extends DisposableBase {
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private last: DetailsHostToWebview | null = null;
  /** The view last sent (for tests and diagnostics). */
  view: EventDetailsView | null = null;

  constructor(
    extensionUri: vscode.Uri,
    title: string,
    private readonly load: (fresh: boolean) => Promise<EventDetailsView>,
    private readonly onError: (e: unknown) => void,
    onDisposed: () => void,
  ) {
    super();
    this.panel = openWebviewPanel(EVENT_DETAILS_VIEW_TYPE, title, extensionUri);
    this.panel.webview.html = webviewPage(this.panel.webview, extensionUri, {
      script: 'eventDetails.js',
      css: 'eventDetails.css',
      title: 'Event details',
      body: '<p class="loading">Loading…</p>',
    });
    this.register(
      this.panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!isDetailsWebviewToHost(m)) return;
        if (m.type === 'ready') {
          this.ready = true;
          if (this.last) void this.panel.webview.postMessage(this.last);
        } else void this.refresh(true);
      }),
    );
    this.register(
      this.panel.onDidDispose(() => {
        onDisposed();
        this.dispose();
      }),
    );
    void this.refresh(false);
  }

  reveal(): void {
    this.panel.reveal();
  }

  private async refresh(fresh: boolean): Promise<void> {
    this.send({ type: 'loading', what: 'Loading the event from Sentry…' });
    try {
      this.view = await this.load(fresh);
      this.send({ type: 'details', view: this.view });
    } catch (e) {
      this.onError(e);
      this.panel.dispose();
    }
  }

  private send(m: DetailsHostToWebview): void {
    this.last = m;
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  override dispose(): void {
    super.dispose();
    try {
      this.panel.dispose();
    } catch {
      /* already disposed */
    }
  }
}
