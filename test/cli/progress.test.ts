// The progress line is drawn only on a terminal and erased when done.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 100, writes, write: (text: string) => writes.push(text) };
}

describe('createProgress', () => {
  it('writes nothing when stderr is not a terminal', () => {
    const s = stream(false);
    const progress = createProgress(s, 'Purging');
    progress.update(10);
    progress.finish();
    expect(s.writes).toEqual([]);
  });

  it('draws a counter, or a bar when the total is known, and erases the line at the end', async () => {
    const s = stream(true);
    const progress = createProgress(s, 'Purging');
    expect(s.writes[0]).toMatch(/^\r\x1b\[K[^\n]*Purging [|/\\-] 0 instances/);
    progress.update(50, 200);
    await new Promise((r) => setTimeout(r, 150));
    expect(s.writes.at(-1)).toMatch(/Purging \[#{8}-{22}\] 25% 50\/200 instances$/);
    progress.finish();
    expect(s.writes.at(-1)).toBe('\r\x1b[K');
    const count = s.writes.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(s.writes.length).toBe(count);
  });
});
