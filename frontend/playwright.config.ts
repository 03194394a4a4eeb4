import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end suite, run by scripts/test-frontend against the real ycyw-api (serving the built
 * SPA) and worker. E2E_BASE_URL, E2E_MAILDIR (the SMTP sink's maildir) and E2E_WORKER (the
 * ycyw-worker binary, for create-staff) come from that script. Every spec runs on the desktop
 * viewport (project `chromium`) and again on a phone's (project `mobile`, a Pixel 7 at scale 1
 * so that screenshots stay small; they are written as NAME-mobile.png).
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: '../.test/frontend/playwright',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env['E2E_BASE_URL'] ?? 'http://localhost:8080',
    locale: 'en-GB',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 860 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env['CHROME_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // Video calls: fake camera and microphone, permission granted without a prompt.
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
      ],
    },
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium' } },
    {
      name: 'mobile',
      use: { ...devices['Pixel 7'], browserName: 'chromium', deviceScaleFactor: 1 },
    },
  ],
});
