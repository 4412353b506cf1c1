/**
 * Collapsible sections of the panel: native <details>/<summary> (keyboard and screen readers for free),
 * each with a heading and a count, and their open/closed state kept in the webview state so a re-render,
 * a hidden-and-shown panel or a reload keeps what the user opened.
 */
import { h } from './dom';

export interface StateStore {
  getState(): unknown;
  setState(state: unknown): void;
}

export interface SectionSpec {
  id: string;
  title: string;
  /** Open the first time the panel shows (before the user chose). */
  open: boolean;
  /** The element the renderers fill (its id is the section's content id). */
  bodyId: string;
}

export class Sections {
  private readonly openState: Record<string, boolean>;

  constructor(private readonly store: StateStore) {
    const saved = store.getState() as { sections?: unknown } | undefined;
    const s = saved && typeof saved === 'object' ? saved.sections : undefined;
    this.openState = {};
    if (s && typeof s === 'object')
      for (const [k, v] of Object.entries(s)) if (typeof v === 'boolean') this.openState[k] = v;
  }

  build(spec: SectionSpec, ...extra: HTMLElement[]): HTMLDetailsElement {
    const open = this.openState[spec.id] ?? spec.open;
    const details = h(
      'details',
      { id: spec.id, class: 'section', ...(open ? { open: '' } : {}) },
      h(
        'summary',
        { 'aria-controls': spec.bodyId },
        h('h2', { class: 'section-title' }, spec.title),
        h('span', { class: 'section-count muted', id: `${spec.id}-count` }),
      ),
      ...extra,
      h('div', { id: spec.bodyId, class: 'section-body' }),
    );
    details.addEventListener('toggle', () => this.remember(spec.id, details.open));
    return details;
  }

  /** Opens a section (a link into it was followed) and remembers that. */
  open(id: string): void {
    const d = document.getElementById(id) as HTMLDetailsElement | null;
    if (d && !d.open) d.open = true;
  }

  private remember(id: string, open: boolean): void {
    if (this.openState[id] === open) return;
    this.openState[id] = open;
    const prev = this.store.getState();
    this.store.setState({ ...(prev && typeof prev === 'object' ? prev : {}), sections: { ...this.openState } });
  }
}

/** Sets a section's count in its summary (`3`), or clears it. */
export function setCount(sectionId: string, text: string): void {
  const el = document.getElementById(`${sectionId}-count`);
  if (el) el.textContent = text ? ` ${text}` : '';
}
