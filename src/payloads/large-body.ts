// A request body above the large-body threshold, kept as the bytes that arrived: decoding it into
// a string and checking it as JSON happens on the payload thread (readJsonBody), not on the event
// loop. Routes that need its text synchronously can still have it (text()). The bytes are handed
// to the thread, not copied: a body is read once.

export class LargeBody {
  constructor(readonly bytes: Buffer) {}

  /** Decoded on the event loop: for the few routes that read a large body as plain text. */
  text(): string {
    return this.bytes.toString('utf8');
  }
}
