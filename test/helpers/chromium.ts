import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ci = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');
export const chromiumPresent = existsSync(CHROMIUM);
/** Browser tests are skipped only outside CI; under CI a missing Chromium fails them instead. */
export const skipBrowserTests = !chromiumPresent && !ci;

export interface HeadlessChromium {
  browser: BrowserContext;
  /** Closes the browser and removes its throwaway profile. */
  close(): Promise<void>;
}

/** Headless Chromium on a throwaway profile; every dialog (an injected alert) is recorded in `alerts` and dismissed. */
export async function launchChromium(alerts: string[]): Promise<HeadlessChromium> {
  if (!chromiumPresent) throw new Error(`CI is set but ${CHROMIUM} is missing: run apt-get update && apt-get install -y chromium`);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'thumbs-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  browser.on('page', (page) => page.on('dialog', (dialog) => {
    alerts.push(dialog.message());
    void dialog.dismiss();
  }));
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
