import type { TemplatePart } from './spec';

/**
 * Where each placeholder of a `cmd:` template sits, as the remote POSIX shell will read it. Placeholder
 * values never enter the script text: they are shell variables set before the command (`SRCA_grep=…`,
 * exported) and each `{name}` becomes `"$SRCA_name"`. An expansion's result is never parsed again by
 * the shell that expands it, so the value cannot run — as long as the reference sits where a plain
 * double-quoted expansion means "this one argument". Inside quotes, here-documents, backticks, after a
 * backslash, as an argument of something that re-reads its argument as shell code (`eval`, `sh -c`,
 * `ssh`, `su -c`) or inside arithmetic (`$(( ))`, `(( ))`, `[[ ]]`, `let`: bash evaluates `a[$(cmd)]`
 * there) it would not, so such templates are refused with the fix.
 */

export type PlaceholderContext =
  'plain' | 'single-quoted' | 'double-quoted' | 'ansi-quoted' | 'heredoc' | 'backtick' | 'escaped' | 'reparsed';

export interface PlaceholderUse {
  name: string;
  context: PlaceholderContext;
  /** For `reparsed`: the command that re-reads it (eval, sh -c, ssh, su). */
  via?: string;
}

const SHELLS = /^(?:.*\/)?(?:sh|bash|dash|zsh|ksh|ash|mksh|busybox)$/;

interface Frame {
  /** The quoting the frame's text is in. */
  quote: 'none' | 'double';
  /** `$(` depth marker: a frame opened by `$(` closes at its `)`. */
  subst: boolean;
  /** Opened by `$((` or `((`: arithmetic, where bash evaluates what variables hold. */
  arith?: boolean;
  /** Words of the current simple command (unquoted frame only), for the re-parse check. */
  words: string[];
  word: string;
}

/** Classifies every placeholder of a tokenized template. Pure; no shell is run. */
export function placeholderContexts(parts: readonly TemplatePart[]): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  const stack: Frame[] = [{ quote: 'none', subst: false, words: [], word: '' }];
  const top = () => stack[stack.length - 1]!;
  let single = false;
  let ansi = false;
  let backtick = false;
  let escaped = false;
  /** Here-documents announced on the current line, read from the next line on. */
  const pending: Array<{ delim: string; strip: boolean }> = [];
  let heredoc: { delim: string; strip: boolean; line: string } | null = null;

  const endWord = (f: Frame) => {
    if (f.word) {
      f.words.push(f.word);
      f.word = '';
    }
  };
  const endCommand = (f: Frame) => {
    f.word = '';
    f.words = [];
  };

  for (const part of parts) {
    if (part.kind === 'placeholder') {
      const f = top();
      let context: PlaceholderContext = 'plain';
      let via: string | undefined;
      if (heredoc) context = 'heredoc';
      else if (single) context = 'single-quoted';
      else if (ansi) context = 'ansi-quoted';
      else if (escaped) context = 'escaped';
      else if (backtick) context = 'backtick';
      else if (f.quote === 'double') context = 'double-quoted';
      else if (stack.some((x) => x.arith)) {
        context = 'reparsed';
        via = 'arithmetic expansion';
      } else {
        via = reparsingCommand([...f.words, ...(f.word ? [f.word] : [])]);
        if (via) context = 'reparsed';
      }
      escaped = false;
      uses.push(via ? { name: part.name, context, via } : { name: part.name, context });
      if (heredoc) heredoc.line += '\0';
      else top().word += '\0';
      continue;
    }
    const text = part.text;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (heredoc) {
        if (c === '\n') {
          const line = heredoc.strip ? heredoc.line.replace(/^\t+/, '') : heredoc.line;
          if (line === heredoc.delim) heredoc = pending.length ? { ...pending.shift()!, line: '' } : null;
          else heredoc.line = '';
        } else heredoc.line += c;
        continue;
      }
      if (single) {
        if (c === "'") single = false;
        continue;
      }
      if (ansi) {
        if (c === '\\') i++;
        else if (c === "'") ansi = false;
        continue;
      }
      const f = top();
      if (escaped) {
        escaped = false;
        f.word += c;
        continue;
      }
      if (c === '\\') {
        escaped = true;
        continue;
      }
      if (c === '`') {
        backtick = !backtick;
        f.word += c;
        continue;
      }
      if (f.quote === 'double') {
        if (c === '"') f.quote = 'none';
        else if (c === '$' && text[i + 1] === '(') {
          stack.push({ quote: 'none', subst: true, arith: text[i + 2] === '(', words: [], word: '' });
          i += text[i + 2] === '(' ? 2 : 1;
        } else f.word += c;
        continue;
      }
      if (c === "'") {
        single = true;
        f.word += c;
        continue;
      }
      if (c === '$' && text[i + 1] === "'") {
        ansi = true;
        i++;
        f.word += c;
        continue;
      }
      if (c === '"') {
        f.quote = 'double';
        f.word += c;
        continue;
      }
      if (c === '$' && text[i + 1] === '(') {
        stack.push({ quote: 'none', subst: true, arith: text[i + 2] === '(', words: [], word: '' });
        i += text[i + 2] === '(' ? 2 : 1;
        continue;
      }
      if (c === '(' && text[i + 1] === '(') {
        stack.push({ quote: 'none', subst: true, arith: true, words: [], word: '' });
        i++;
        continue;
      }
      if (c === ')' && f.subst && stack.length > 1) {
        stack.pop();
        if (f.arith && text[i + 1] === ')') i++;
        continue;
      }
      if (c === '#' && !f.word) {
        while (i + 1 < text.length && text[i + 1] !== '\n') i++;
        continue;
      }
      if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
        let j = i + 2;
        const strip = text[j] === '-';
        if (strip) j++;
        while (text[j] === ' ' || text[j] === '\t') j++;
        let delim = '';
        while (j < text.length && !/[\s;|&<>()]/.test(text[j]!)) delim += text[j++];
        pending.push({ delim: delim.replace(/["'\\]/g, ''), strip });
        i = j - 1;
        endWord(f);
        continue;
      }
      if (c === '\n') {
        endCommand(f);
        if (pending.length) {
          heredoc = { ...pending.shift()!, line: '' };
        }
        continue;
      }
      if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')' || c === '{' || c === '}') {
        endCommand(f);
        continue;
      }
      if (c === ' ' || c === '\t') {
        endWord(f);
        continue;
      }
      f.word += c;
    }
  }
  return uses;
}

/** `eval …`, `sh -c …`, `ssh host …`, `su -c …`: commands whose arguments become shell code again. */
function reparsingCommand(words: string[]): string | undefined {
  const ws = words.map((w) => w.replace(/["']/g, ''));
  // Leading variable assignments and wrappers that just run the next word.
  let k = 0;
  while (
    k < ws.length &&
    (/^[A-Za-z_][A-Za-z0-9_]*=/.test(ws[k]!) ||
      ['env', 'nice', 'nohup', 'sudo', 'command', 'exec', 'timeout', 'stdbuf', 'xargs'].includes(ws[k]!) ||
      (k > 0 && /^-|^\d+[smhd]?$/.test(ws[k]!)))
  )
    k++;
  const cmd = ws[k];
  if (ws.includes('eval')) return 'eval';
  if (cmd === undefined) return undefined;
  if (cmd === 'ssh' || /(?:^|\/)ssh$/.test(cmd)) return 'ssh';
  if (['let', '[[', 'declare', 'typeset', 'local'].includes(cmd)) return 'arithmetic expansion';
  const rest = ws.slice(k + 1);
  if ((SHELLS.test(cmd) || cmd === 'su') && rest.some((w) => /^-[A-Za-z]*c[A-Za-z]*$/.test(w))) return `${cmd} -c`;
  return undefined;
}

/** The one-line explanation and fix for a placeholder the template uses in an unsafe place. */
export function unsafePlaceholderMessage(use: PlaceholderUse): { message: string; hint: string } {
  const p = `{${use.name}}`;
  const why: Record<Exclude<PlaceholderContext, 'plain'>, string> = {
    'single-quoted': `${p} is inside '…' quotes`,
    'double-quoted': `${p} is inside "…" quotes`,
    'ansi-quoted': `${p} is inside $'…' quotes`,
    heredoc: `${p} is inside a here-document`,
    backtick: `${p} is inside \`…\` backticks`,
    escaped: `${p} follows a backslash`,
    reparsed:
      use.via === 'arithmetic expansion'
        ? `${p} is in an arithmetic context ($(( )), (( )), [[ ]], let), where bash runs commands hidden in a value`
        : `${p} is an argument of ${use.via ?? 'a command'}, which runs its argument as shell code`,
  };
  const fix =
    use.context === 'backtick'
      ? `use $(…) instead of backticks, with ${p} unquoted inside it`
      : use.context === 'reparsed'
        ? `call the program directly (e.g. cmd:grep -E {grep} /var/log/app.log), or put the logic in a script on the server and pass ${p} to it as an argument`
        : use.context === 'heredoc'
          ? `pass ${p} as an argument instead (e.g. cmd:/usr/local/bin/app-logs --since {since} --grep {grep})`
          : `write ${p} with no quotes around it, e.g. grep -E {grep} instead of grep -E '{grep}'`;
  return {
    message: `Unsafe command template: ${why[use.context as Exclude<PlaceholderContext, 'plain'>]}. Placeholder values come from Sentry events and the AI, and there the remote shell could read them as code.`,
    hint: `Each placeholder is already passed as one quoted argument ("$SRCA_${use.name}"): ${fix}.`,
  };
}
