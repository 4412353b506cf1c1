/**
 * Sentry envelope parsing (develop.sentry.dev/sdk/data-model/envelopes/): a JSON header line, then
 * items of `item header line` + payload. An item with `length` has exactly that many payload bytes
 * (which may contain newlines); without it the payload runs to the next `\n`. Works on bytes, not
 * strings, because `length` counts UTF-8 bytes.
 */

export interface EnvelopeItem {
  header: { type: string; length?: number; [k: string]: unknown };
  payload: Buffer;
}

export interface Envelope {
  header: { event_id?: string; dsn?: string; sent_at?: string; [k: string]: unknown };
  items: EnvelopeItem[];
}

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

const NL = 0x0a;

export function parseEnvelope(body: Buffer | string): Envelope {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let pos = 0;

  const readLine = (): Buffer | null => {
    if (pos >= buf.length) return null;
    const end = buf.indexOf(NL, pos);
    const line = buf.subarray(pos, end === -1 ? buf.length : end);
    pos = end === -1 ? buf.length : end + 1;
    return line;
  };
  const parseJson = (raw: Buffer, what: string): Record<string, unknown> => {
    try {
      const v: unknown = JSON.parse(raw.toString('utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // fall through to the error below
    }
    throw new EnvelopeError(`invalid envelope: ${what} is not a JSON object`);
  };

  const first = readLine();
  if (!first || first.length === 0) throw new EnvelopeError('invalid envelope: empty body');
  const header = parseJson(first, 'envelope header') as Envelope['header'];
  const items: EnvelopeItem[] = [];

  for (;;) {
    const line = readLine();
    if (line === null) break;
    if (line.length === 0) continue; // trailing newline(s)
    const itemHeader = parseJson(line, `item header ${items.length + 1}`);
    if (typeof itemHeader.type !== 'string')
      throw new EnvelopeError(`invalid envelope: item ${items.length + 1} has no type`);
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      const len = itemHeader.length;
      if (pos + len > buf.length)
        throw new EnvelopeError(
          `invalid envelope: item ${items.length + 1} declares ${len} bytes but only ${buf.length - pos} remain`,
        );
      payload = buf.subarray(pos, pos + len);
      pos += len;
      if (buf[pos] === NL) pos += 1;
    } else {
      payload = readLine() ?? Buffer.alloc(0);
    }
    items.push({ header: itemHeader as EnvelopeItem['header'], payload });
  }
  return { header, items };
}
