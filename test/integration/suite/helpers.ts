import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';

export const EXTENSION_ID = 'sentry-rca.sentry-rca';

export async function api(): Promise<SentryRcaTestApi> {
  const ext = vscode.extensions.getExtension<SentryRcaTestApi | undefined>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const a = ext.isActive ? ext.exports : await ext.activate();
  if (!a) throw new Error('activate() returned no test API (is extensionMode Test?)');
  return a;
}
