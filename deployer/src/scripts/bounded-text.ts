// Output capture with a byte bound, so a chatty script cannot fill the deployer's memory.

/** Keeps the first `limit` bytes of a stream and counts the rest. */
export class BoundedText {
  private chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  constructor(private readonly limit: number) {}

  /** Adds a chunk; whatever is over the limit is only counted. */
  add(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(room, 0));
  }

  /** The kept text, marked at the end with how many bytes were dropped. */
  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped === 0 ? body : `${body}\n[… ${this.dropped} more bytes dropped]`;
  }
}
