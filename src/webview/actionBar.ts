/**
 * The panel's action bar, one row at every width: the primary action (Stop while a run is busy, Re-run
 * otherwise) is always a button; the secondary actions stay buttons while they fit and move, last first,
 * into a "More actions" menu when they do not. Each action is one element with a stable id wherever it
 * sits, so a click, a test or a screen reader finds the same button in the bar or in the menu.
 *
 * What fits is measured (a ResizeObserver on the bar), not guessed with CSS container queries: it depends
 * on the labels' rendered widths (font, zoom, a translated label), which a breakpoint cannot know.
 *
 * Left and Right (Home, End) move between the bar's buttons, which are also Tab stops. The menu follows
 * the ARIA menu-button pattern: `aria-haspopup`/`aria-expanded` on the button; Enter,
 * Space or ArrowDown open it on the first item, ArrowUp on the last; arrows, Home and End move; Escape
 * closes it and returns focus to the button; Tab or a click elsewhere closes it.
 */
import { h } from './dom';

export interface Action {
  id: string;
  label: string;
  /** Stop and Re-run: always in the bar (only one of them shows at a time). */
  primary?: boolean;
  run(): void;
}

/** Room kept for the status text ("Done.", "Analyzing…") beside the buttons, in px. */
const STATUS_ROOM = 96;
/** Space kept between an open menu and the panel's edges, in px. */
const MARGIN = 4;

export class ActionBar {
  readonly element: HTMLElement;
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly secondary: HTMLButtonElement[] = [];
  private readonly moreWrap: HTMLElement;
  private readonly more: HTMLButtonElement;
  private readonly menu: HTMLElement;

  constructor(actions: Action[], status: HTMLElement) {
    const primary: HTMLButtonElement[] = [];
    for (const a of actions) {
      const b = h(
        'button',
        { id: a.id, type: 'button', class: `action ${a.primary ? 'primary' : 'secondary'}` },
        a.label,
      ) as HTMLButtonElement;
      b.addEventListener('click', () => {
        const inMenu = b.parentElement === this.menu;
        if (inMenu) this.close(true);
        a.run();
      });
      this.buttons.set(a.id, b);
      (a.primary ? primary : this.secondary).push(b);
    }
    this.more = h(
      'button',
      {
        id: 'btn-more',
        type: 'button',
        class: 'action secondary more',
        'aria-label': 'More actions',
        title: 'More actions',
        'aria-haspopup': 'menu',
        'aria-expanded': 'false',
        'aria-controls': 'actions-menu',
      },
      'More',
      h('span', { class: 'chevron', 'aria-hidden': 'true' }, '▾'),
    ) as HTMLButtonElement;
    this.menu = h('div', {
      id: 'actions-menu',
      class: 'actions-menu hidden',
      role: 'menu',
      'aria-label': 'More actions',
    });
    this.moreWrap = h('div', { class: 'more-wrap hidden' }, this.more, this.menu);
    this.element = h(
      'div',
      { class: 'toolbar', id: 'actions', role: 'toolbar', 'aria-label': 'Diagnosis actions' },
      ...primary,
      ...this.secondary,
      this.moreWrap,
      status,
    );
    this.more.addEventListener('click', () => (this.isOpen() ? this.close(true) : this.open('first')));
    this.more.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.open(e.key === 'ArrowDown' ? 'first' : 'last');
      }
    });
    this.menu.addEventListener('keydown', (e) => this.onMenuKey(e));
    // A toolbar: Left and Right (Home, End) move between its buttons too; each is also a Tab stop.
    this.element.addEventListener('keydown', (e) => {
      if (this.menu.contains(e.target as Node) || !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
      const stops = Array.from(
        this.element.querySelectorAll<HTMLButtonElement>(':scope > button, .more-wrap > button'),
      ).filter((b) => !b.disabled && b.getBoundingClientRect().width > 0);
      const at = stops.indexOf(e.target as HTMLButtonElement);
      if (at < 0) return;
      const to = e.key === 'Home' ? 0 : e.key === 'End' ? stops.length - 1 : at + (e.key === 'ArrowRight' ? 1 : -1);
      stops[Math.max(0, Math.min(stops.length - 1, to))]?.focus();
      e.preventDefault();
    });
    // Focus leaving the menu (Tab, a click elsewhere) closes it.
    this.moreWrap.addEventListener('focusout', (e) => {
      const next = e.relatedTarget as Node | null;
      if (this.isOpen() && (!next || !this.moreWrap.contains(next))) this.close(false);
    });
    document.addEventListener('pointerdown', (e) => {
      if (this.isOpen() && !this.moreWrap.contains(e.target as Node)) this.close(false);
    });
    new ResizeObserver(() => this.layout()).observe(this.element);
  }

  button(id: string): HTMLButtonElement {
    const b = this.buttons.get(id);
    if (!b) throw new Error(`no action ${id}`);
    return b;
  }

  /** Shows or hides an action (Stop and Re-run swap); focus moves to `focusTo` if it was on the hidden one. */
  show(id: string, visible: boolean, focusTo?: string): void {
    const b = this.button(id);
    if (b.classList.contains('hidden') === !visible) return;
    const hadFocus = document.activeElement === b;
    b.classList.toggle('hidden', !visible);
    if (hadFocus && !visible && focusTo) this.button(focusTo).focus();
    this.layout();
  }

  setDisabled(id: string, disabled: boolean): void {
    this.button(id).disabled = disabled;
  }

  /**
   * Puts every secondary action back in the bar, measures, then moves the ones that do not fit (from the
   * last) into the menu. Runs on every resize of the bar; moving buttons does not change the bar's width,
   * so it does not feed back into the observer.
   */
  layout(): void {
    const width = this.element.clientWidth;
    if (width === 0) return; // not laid out (a hidden panel): keep things as they are
    const focused = document.activeElement;
    this.close(false);
    for (const b of this.secondary) this.toBar(b);
    this.moreWrap.classList.remove('hidden');
    const gap = parseFloat(getComputedStyle(this.element).columnGap) || 0;
    const w = (el: Element) => el.getBoundingClientRect().width;
    let used = STATUS_ROOM;
    for (const el of Array.from(this.element.children))
      if (el.classList.contains('primary') && !el.classList.contains('hidden')) used += w(el) + gap;
    const moreWidth = w(this.moreWrap) + gap;
    const widths = this.secondary.map((b) => w(b) + gap);
    const all = widths.reduce((a, x) => a + x, 0);
    let keep = this.secondary.length;
    if (used + all > width) {
      keep = 0;
      let sum = used + moreWidth;
      while (keep < widths.length && sum + widths[keep]! <= width) sum += widths[keep++]!;
    }
    for (const b of this.secondary.slice(keep)) this.toMenu(b);
    const overflowing = keep < this.secondary.length;
    this.moreWrap.classList.toggle('hidden', !overflowing);
    if (!overflowing) this.close(false);
    // A focused button that moved stays focused (in the menu it is reached through More).
    if (focused instanceof HTMLElement && focused !== document.activeElement) {
      if (this.menu.contains(focused)) this.more.focus();
      else focused.focus();
    }
  }

  private toBar(b: HTMLButtonElement): void {
    if (b.parentElement === this.element) return;
    b.removeAttribute('role');
    b.tabIndex = 0;
    this.element.insertBefore(b, this.moreWrap);
  }

  private toMenu(b: HTMLButtonElement): void {
    b.setAttribute('role', 'menuitem');
    b.tabIndex = -1;
    this.menu.appendChild(b);
  }

  private isOpen(): boolean {
    return !this.menu.classList.contains('hidden');
  }

  private items(): HTMLButtonElement[] {
    return Array.from(this.menu.children).filter(
      (el): el is HTMLButtonElement =>
        el instanceof HTMLButtonElement && !el.disabled && !el.classList.contains('hidden'),
    );
  }

  private open(at: 'first' | 'last'): void {
    this.menu.classList.remove('hidden');
    this.more.setAttribute('aria-expanded', 'true');
    // Below the button, from its left edge, moved left as far as needed to stay inside the panel.
    const page = document.documentElement.clientWidth;
    const wrap = this.moreWrap.getBoundingClientRect();
    const width = this.menu.getBoundingClientRect().width;
    const left = Math.max(MARGIN - wrap.left, Math.min(0, page - MARGIN - width - wrap.left));
    this.menu.style.left = `${left}px`; // CSSOM, which the panel's CSP allows (a style attribute it would not)
    const items = this.items();
    (at === 'first' ? items[0] : items[items.length - 1])?.focus();
  }

  private close(refocus: boolean): void {
    if (!this.isOpen()) return;
    this.menu.classList.add('hidden');
    this.more.setAttribute('aria-expanded', 'false');
    if (refocus) this.more.focus();
  }

  private onMenuKey(e: KeyboardEvent): void {
    const items = this.items();
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const move = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at < 0 ? -1 : at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(-1);
        break;
      case 'Escape':
        this.close(true);
        break;
      case 'Tab':
        this.close(false);
        return; // let Tab move on from the menu button
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }
}
