import * as vscode from 'vscode';
import { LEVELS, type Level } from '../../core/store/model';
import type { IssuesView } from '../tree/issuesView';
import { SORT_KEYS, type SortKey } from '../tree/issueTreeModel';

/** Sorting and filters from the view's title bar. Each accepts its value as an argument, for scripted use. */
export function sortIssues(view: IssuesView) {
  return async (arg?: unknown): Promise<void> => {
    const labels: Record<SortKey, string> = {
      lastSeen: 'Last seen (newest first)',
      count: 'Event count (most first)',
      level: 'Level (most severe first)',
    };
    let sort = (SORT_KEYS as readonly unknown[]).includes(arg) ? (arg as SortKey) : undefined;
    if (!sort) {
      const pick = await vscode.window.showQuickPick(
        SORT_KEYS.map((k) => ({
          label: labels[k],
          key: k,
          picked: k === view.model.state.sort,
          description: k === view.model.state.sort ? 'current' : undefined,
        })),
        { title: 'Sort issues by' },
      );
      sort = pick?.key;
    }
    if (sort) await view.setViewState({ sort });
  };
}

export function filterByLevel(view: IssuesView) {
  return async (arg?: unknown): Promise<void> => {
    let level: Level | null | undefined =
      arg === null || arg === 'all' ? null : LEVELS.includes(arg as Level) ? (arg as Level) : undefined;
    if (level === undefined) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'All levels', level: null as Level | null },
          ...LEVELS.map((l) => ({ label: `${l} and above`, level: l as Level | null })),
        ],
        { title: 'Show issues at or above level' },
      );
      if (!pick) return;
      level = pick.level;
    }
    await view.setViewState({ minLevel: level });
  };
}

export function filterByProject(view: IssuesView) {
  return async (arg?: unknown): Promise<void> => {
    let project: string | null | undefined =
      arg === null || arg === '' ? null : typeof arg === 'string' ? arg : undefined;
    if (project === undefined) {
      const slugs = [...new Set(view.model.projectGroups().map((g) => g.project.slug))];
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'All projects', slug: null as string | null },
          ...slugs.map((s) => ({ label: s, slug: s as string | null })),
        ],
        { title: 'Show issues of project' },
      );
      if (!pick) return;
      project = pick.slug;
    }
    await view.setViewState({ project });
  };
}

export function filterByText(view: IssuesView) {
  return async (arg?: unknown): Promise<void> => {
    const text =
      typeof arg === 'string'
        ? arg
        : await vscode.window.showInputBox({
            title: 'Filter issues by text',
            prompt: 'Matches title, short id, culprit and message; empty clears the text filter',
            value: view.model.state.text,
          });
    if (text === undefined) return;
    await view.setViewState({ text: text.trim() });
  };
}

export function clearFilters(view: IssuesView) {
  return () => view.setViewState({ minLevel: null, project: null, text: '', show: 'open' });
}
