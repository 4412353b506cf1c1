/**
 * Markdown from the analyzer and the model, rendered safely: markdown-it with raw HTML off, then
 * DOMPurify with a small allowlist (no images, no styles, no links that leave the panel), then
 * `path:line` and event-id references turned into buttons the host validates before opening anything.
 */
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });

const ALLOWED_TAGS = [
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'code',
  'pre',
  'strong',
  'em',
  'blockquote',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'hr',
  'br',
  'a',
  's',
  'del',
];

/** `src/db/orders.ts:42` or `orders.ts:42:7`; the path needs an extension so times like 14:02 don't match. */
const FILE_REF =
  /(^|[\s(\[`'"“])((?:[\w@.+-]+\/)*[\w@+-][\w@.+-]*\.[A-Za-z][A-Za-z0-9]{0,7}):(\d{1,7})(?::(\d{1,5}))?(?=$|[\s)\]`'",.;:!?”])/g;
/** Sentry event ids (32 hex) when introduced as an event. */
const EVENT_REF = /(\bevent\s+(?:id\s+)?)([0-9a-f]{32})\b/gi;

export interface RefHandlers {
  file(path: string, line: number, column: number | undefined): void;
  event(id: string): void;
  /** A quoted log line: `host:line` indexes into the Logs tab. */
  log(where: string): void;
  /** A commit (suspect or skew): show its diff, narrowed to `path` when given. */
  commit?(sha: string, path: string | undefined): void;
}

export function renderMarkdown(source: string): DocumentFragment {
  const html = md.render(source);
  const frag = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title'],
    ALLOW_DATA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
  // Links from the model or Sentry never navigate: the text stays, the target is shown on hover.
  for (const a of Array.from(frag.querySelectorAll('a'))) {
    const href = a.getAttribute('href') ?? '';
    a.removeAttribute('href');
    a.classList.add('inert-link');
    if (href) a.setAttribute('title', `Link not followed: ${href.slice(0, 300)}`);
  }
  linkifyRefs(frag);
  // A code span that is only a reference reads as the link it is (styled like every other file link),
  // not as a boxed quote with a link inside.
  for (const code of Array.from(frag.querySelectorAll('code'))) {
    const links = code.querySelectorAll('a.ref');
    const only = links.length === 1 ? links[0]! : null;
    if (only && only.textContent === code.textContent?.trim() && !code.closest('pre')) code.replaceWith(only);
  }
  return frag;
}

/** Replaces reference text in text nodes with <a class="ref"> elements (built with the DOM API). */
export function linkifyRefs(root: Node): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = (n as Text).parentElement;
    if (parent?.closest('a')) continue;
    nodes.push(n as Text);
  }
  for (const node of nodes) {
    const text = node.data;
    const pieces: Array<string | HTMLElement> = [];
    let last = 0;
    const matches: Array<{ index: number; length: number; el: HTMLElement }> = [];
    for (const m of text.matchAll(FILE_REF)) {
      const lead = m[1] ?? '';
      const path = m[2]!;
      if (
        /^[a-z][a-z0-9+.-]*:\/\//i.test(text.slice(Math.max(0, (m.index ?? 0) - 10), (m.index ?? 0) + lead.length + 3))
      )
        continue;
      const el = document.createElement('a');
      el.className = 'ref file-ref';
      el.setAttribute('role', 'button');
      el.setAttribute('tabindex', '0');
      el.dataset.path = path;
      el.dataset.line = m[3]!;
      if (m[4]) el.dataset.column = m[4];
      el.textContent = `${path}:${m[3]}${m[4] ? `:${m[4]}` : ''}`;
      matches.push({ index: (m.index ?? 0) + lead.length, length: el.textContent.length, el });
    }
    for (const m of text.matchAll(EVENT_REF)) {
      const el = document.createElement('a');
      el.className = 'ref event-ref';
      el.setAttribute('role', 'button');
      el.setAttribute('tabindex', '0');
      el.dataset.event = m[2]!;
      el.textContent = m[2]!;
      matches.push({ index: (m.index ?? 0) + m[1]!.length, length: m[2]!.length, el });
    }
    if (matches.length === 0) continue;
    matches.sort((a, b) => a.index - b.index);
    for (const m of matches) {
      if (m.index < last) continue;
      pieces.push(text.slice(last, m.index), m.el);
      last = m.index + m.length;
    }
    pieces.push(text.slice(last));
    const frag = document.createDocumentFragment();
    for (const p of pieces) frag.appendChild(typeof p === 'string' ? document.createTextNode(p) : p);
    node.replaceWith(frag);
  }
}

/** One delegated listener: clicks and Enter on refs call the handlers; nothing else reacts. */
export function handleRefClicks(container: HTMLElement, handlers: RefHandlers): void {
  const activate = (target: EventTarget | null, e: Event) => {
    const el = (target as HTMLElement | null)?.closest?.('a.ref') as HTMLElement | null;
    if (!el) {
      if ((target as HTMLElement | null)?.closest?.('a')) e.preventDefault();
      return;
    }
    e.preventDefault();
    if (el.dataset.path && el.dataset.line)
      handlers.file(
        el.dataset.path,
        Number(el.dataset.line),
        el.dataset.column ? Number(el.dataset.column) : undefined,
      );
    else if (el.dataset.event) handlers.event(el.dataset.event);
    else if (el.dataset.log) handlers.log(el.dataset.log);
    else if (el.dataset.commit) handlers.commit?.(el.dataset.commit, el.dataset.commitPath);
  };
  container.addEventListener('click', (e) => activate(e.target, e));
  container.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') activate(e.target, e);
  });
}
