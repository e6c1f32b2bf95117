// Where Debian's Chromium is and how it is started (headless, nothing downloaded, no background
// traffic): shared by the browser tests and bench/dashboard-history.ts, so free of vitest.
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.TASKHUB_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails with what to do when the browser is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: install the Debian package (apt-get install -y chromium, as .ci/run does) or set TASKHUB_CHROMIUM.`,
    );
  }
}
