// The live event stream's memory: a numbered current state, a bounded ring of recent deltas, and the subscribers.
import type { AggregatorStatus, HistoryEntry, StatusEvent } from '@cascade/common/api';
import { deltaWeight, statusWeight } from './delta-weight.ts';
import { diffStatus } from './diff.ts';

/** Deltas kept at most for clients that reconnect; older gaps get a full snapshot instead. */
const DEFAULT_RING_SIZE = 1000;

/** Records the ring may carry however small the state: a client of a nearly empty repo still gets its last deltas. */
const MIN_RING_WEIGHT = 100;

/**
 * The first sequence number of a run started at `now`: its time in ms times 1000. A later run (the clock having
 * moved on by at least a millisecond) starts above every number an earlier one could have used unless that run
 * averaged over 1000 events per millisecond, so an id from before a restart always gets a snapshot; in ms alone,
 * a busy earlier run could reach into the new run's numbers and a client would get silence or wrong deltas.
 * Stays a safe integer (16 digits) until the year 2255.
 */
export function sequenceStart(now: Date): number {
  return now.getTime() * 1000;
}

/** A subscriber's callback, called with every delta event in order. */
export type EventListener = (event: StatusEvent) => void;

/** Numbers states, keeps recent deltas and fans them out to subscribers. */
export class EventHub {
  private seq = 0;
  private status: AggregatorStatus;
  private readonly ring: Array<Extract<StatusEvent, { type: 'delta' }>> = [];
  /** The deltaWeight of each event in `ring`, in the same order, and their sum. */
  private readonly weights: number[] = [];
  private ringWeight = 0;
  private readonly listeners = new Set<EventListener>();

  /**
   * `startSeq` must lie above every number an earlier run of the service used (`sequenceStart(startTime)`), so an
   * event id a client remembers from an earlier run never matches a number of this one and it gets a fresh snapshot.
   */
  constructor(
    initial: AggregatorStatus,
    startSeq = 0,
    private readonly ringSize = DEFAULT_RING_SIZE,
  ) {
    this.status = initial;
    this.seq = startSeq;
  }

  /** The current sequence number. */
  get current(): number {
    return this.seq;
  }

  /** The current full state. */
  get state(): AggregatorStatus {
    return this.status;
  }

  /** Number of connected subscribers. */
  get subscribers(): number {
    return this.listeners.size;
  }

  /** Records a new state; when it differs, numbers the delta, keeps it and sends it to every subscriber. */
  publish(next: AggregatorStatus, commits: HistoryEntry[] = []): StatusEvent | undefined {
    const delta = diffStatus(this.status, next, commits);
    this.status = next;
    if (!delta) return undefined;
    const event = { type: 'delta' as const, seq: ++this.seq, delta };
    this.keep(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /**
   * Adds `event` to the ring and drops the oldest while there are more than `ringSize`, or while together they carry
   * more records than the state (but never the newest): a client missing that much is sent the snapshot, which is
   * smaller. Superseded reports live on only in the ring, and during a first convergence its deltas carried twice
   * the reports of the whole state.
   */
  private keep(event: Extract<StatusEvent, { type: 'delta' }>): void {
    const weight = deltaWeight(event.delta);
    this.ring.push(event);
    this.weights.push(weight);
    this.ringWeight += weight;
    const budget = Math.max(MIN_RING_WEIGHT, statusWeight(this.status));
    while (this.ring.length > this.ringSize || (this.ring.length > 1 && this.ringWeight > budget)) {
      this.ring.shift();
      this.ringWeight -= this.weights.shift()!;
    }
  }

  /**
   * What a (re)connecting client needs first: the deltas after `lastSeen` when the ring still has them all,
   * otherwise a snapshot of the current state.
   */
  catchUp(lastSeen: number | undefined): StatusEvent[] {
    if (lastSeen !== undefined && Number.isSafeInteger(lastSeen) && lastSeen <= this.seq) {
      if (lastSeen === this.seq) return [];
      const oldest = this.ring[0]?.seq ?? this.seq + 1;
      if (lastSeen + 1 >= oldest) return this.ring.filter((event) => event.seq > lastSeen);
    }
    return [{ type: 'snapshot', seq: this.seq, status: this.status }];
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
