import { createHash } from 'node:crypto';
import type { StoreData, StoredEvent, StoredException } from './model';

/**
 * On-disk shape of the store. Events of one issue nearly always share their stack trace, and stacks
 * (frames with context lines) are most of an event's size, so each distinct stack is written once
 * under a content hash and events refer to it. This keeps 10k issues × 10 events in tens of MB.
 */
export interface DiskEvent extends Omit<StoredEvent, 'exceptions'> {
  stack: string;
}

export interface DiskData extends Omit<StoreData, 'events'> {
  events: Record<string, DiskEvent[]>;
  stacks: Record<string, StoredException[]>;
}

export function stackKey(exceptions: StoredException[]): string {
  return createHash('sha1').update(JSON.stringify(exceptions)).digest('base64url').slice(0, 16);
}

export function encode(data: StoreData): DiskData {
  const stacks: Record<string, StoredException[]> = {};
  const keyOf = new Map<StoredException[], string>();
  const events: Record<string, DiskEvent[]> = {};
  for (const [issueId, list] of Object.entries(data.events)) {
    events[issueId] = list.map(({ exceptions, ...rest }) => {
      let key = keyOf.get(exceptions);
      if (key === undefined) {
        key = stackKey(exceptions);
        keyOf.set(exceptions, key);
        stacks[key] = exceptions;
      }
      return { ...rest, stack: key };
    });
  }
  return { ...data, events, stacks };
}

/** Inverse of encode. Events that share a stack share one array (read-only by convention). */
export function decode(disk: DiskData): StoreData {
  const { stacks, events: diskEvents, ...rest } = disk;
  const events: Record<string, StoredEvent[]> = {};
  for (const [issueId, list] of Object.entries(diskEvents ?? {})) {
    events[issueId] = list.map(({ stack, ...ev }) => ({ ...ev, exceptions: stacks?.[stack] ?? [] }));
  }
  return { ...rest, events } as StoreData;
}
