/**
 * Feeds `chunks` to `onRecv` the way core's RecvBuffer does: each call sees the unconsumed tail of the
 * previous calls followed by the new chunk. Returns the bytes never consumed.
 */
export function driveStream(chunks: Iterable<Buffer>, onRecv: (buffer: Buffer) => number): Buffer {
  let unconsumed = Buffer.alloc(0);
  for (const chunk of chunks) {
    const buffer = Buffer.concat([unconsumed, chunk]);
    unconsumed = buffer.subarray(onRecv(buffer));
  }
  return unconsumed;
}

/** Cuts `bytes` into non-empty chunks at the given offsets (any order; duplicates and large values allowed). */
export function splitAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const cuts = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut === start) continue;
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return chunks;
}
