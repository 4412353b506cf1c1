// The README as the .vsix carries it. VS Code's extension page renders the installed README in a webview
// whose Content-Security-Policy allows images only from `https:` and `data:` (and a relative path
// resolves to nothing there), and this repository has no public https host that vsce's --baseImagesUrl
// could point at. So every image the README shows from the repository is embedded as a `data:` URI
// (PNG, JPEG or GIF: vsce refuses SVG), which renders offline in VS Code, Cursor, VSCodium and the
// Marketplace alike; and a link to a repository file the package does not hold (CONTRIBUTING.md,
// docs/…) becomes its plain text, so the extension page has no dead links.
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const MIME = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif' };

/** Markdown images `![alt](target "title")`, markdown links `[text](target)` and HTML `<img src="…">`. */
const IMAGE = /!\[([^\]]*)\]\(\s*([^)\s]+)(\s+"[^"]*")?\s*\)/g;
const LINK = /(?<!!)\[([^\]]+)\]\(\s*([^)\s]+)(\s+"[^"]*")?\s*\)/g;
const HTML_IMG = /<img\b[^>]*?\bsrc\s*=\s*"([^"]+)"[^>]*>/gi;

const isRemote = (target) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Applies `fn` to the prose of a markdown text, leaving fenced code blocks and inline code alone. */
function mapProse(text, fn) {
  return text
    .split(/(^```[^\n]*\n[\s\S]*?^```[^\n]*$)/m)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .split(/(`[^`\n]*`)/)
            .map((p, j) => (j % 2 ? p : fn(p)))
            .join(''),
    )
    .join('');
}

/** Repository path of a relative link target (its #fragment and ?query dropped), or null for anchors and URLs. */
function repoPath(target) {
  if (target.startsWith('#') || isRemote(target)) return null;
  return normalize(decodeURIComponent(target.replace(/[?#].*$/, '')));
}

/**
 * @param {string} text the repository's README.md
 * @param {{ root: string, packaged: (path: string) => boolean }} opts `packaged` tells whether a
 *   repository path ends up in the .vsix (a link to it is kept)
 * @returns {{ text: string, images: { path: string, bytes: number }[], unlinked: string[] }}
 */
export function packageReadme(text, { root, packaged }) {
  const images = [];
  const unlinked = [];
  const embed = (target) => {
    const path = repoPath(target);
    if (path === null) return target;
    const mime = MIME[extname(path).toLowerCase()];
    if (!mime) throw new Error(`README.md: the image ${target} must be a PNG, JPEG or GIF (vsce refuses SVG)`);
    let bytes;
    try {
      bytes = readFileSync(join(root, path));
    } catch {
      throw new Error(`README.md: the image ${target} does not exist (the e2e tests write test/e2e/screenshots/)`);
    }
    images.push({ path, bytes: bytes.length });
    return `data:${mime};base64,${bytes.toString('base64')}`;
  };
  const out = mapProse(text, (prose) =>
    prose
      .replace(IMAGE, (_, alt, target, title = '') => `![${alt}](${embed(target)}${title})`)
      .replace(HTML_IMG, (tag, src) => tag.replace(src, embed(src)))
      .replace(LINK, (whole, label, target) => {
        const path = repoPath(target);
        if (path === null || packaged(path)) return whole;
        unlinked.push(path);
        return label;
      }),
  );
  return { text: out, images, unlinked };
}

/**
 * What is wrong with a packaged README: an image that is not embedded (a relative path shows as a broken
 * image on the extension page) or not decodable, a link to a file the package does not hold.
 * @param {string} text the README inside the .vsix
 * @param {Set<string>} files paths inside the package, relative to `extension/`
 * @returns {string[]} one line per problem
 */
export function readmeProblems(text, files) {
  const problems = [];
  const lower = new Set([...files].map((f) => f.toLowerCase()));
  const checkImage = (src) => {
    const data = /^data:image\/(png|jpeg|gif);base64,([A-Za-z0-9+/=]+)$/.exec(src);
    if (data) {
      const bytes = Buffer.from(data[2], 'base64');
      const sig = { png: [0x89, 0x50, 0x4e, 0x47], jpeg: [0xff, 0xd8, 0xff], gif: [0x47, 0x49, 0x46] }[data[1]];
      if (bytes.length < 32 || !sig.every((b, i) => bytes[i] === b))
        problems.push(`an embedded ${data[1]} image is not a valid ${data[1]} (${bytes.length} bytes)`);
    } else if (src.startsWith('data:')) problems.push(`an image has an unsupported data: URI (${src.slice(0, 40)}…)`);
    else if (!/^https:/i.test(src))
      problems.push(`the image ${src} is neither embedded nor https: it shows broken on the extension page`);
  };
  mapProse(text, (prose) => {
    for (const m of prose.matchAll(IMAGE)) checkImage(m[2]);
    for (const m of prose.matchAll(HTML_IMG)) checkImage(m[1]);
    for (const m of prose.matchAll(LINK)) {
      const path = repoPath(m[2]);
      if (path !== null && !lower.has(path.toLowerCase()))
        problems.push(`the link [${m[1]}](${m[2]}) points at ${path}, which is not in the package`);
    }
    return prose;
  });
  return problems;
}

/** Data-URI images of a packaged README, decoded, (the .vsix test compares them with the repository's files). */
export function embeddedImages(text) {
  const out = [];
  mapProse(text, (prose) => {
    for (const src of [
      ...[...prose.matchAll(IMAGE)].map((m) => m[2]),
      ...[...prose.matchAll(HTML_IMG)].map((m) => m[1]),
    ]) {
      const d = /^data:image\/\w+;base64,(.+)$/.exec(src);
      if (d) out.push(Buffer.from(d[1], 'base64'));
    }
    return prose;
  });
  return out;
}

/** Repository images the source README shows (relative paths, in order). */
export function readmeImagePaths(text) {
  const out = [];
  mapProse(text, (prose) => {
    for (const m of prose.matchAll(IMAGE)) if (repoPath(m[2]) !== null) out.push(repoPath(m[2]));
    for (const m of prose.matchAll(HTML_IMG)) if (repoPath(m[1]) !== null) out.push(repoPath(m[1]));
    return prose;
  });
  return out;
}
