import type { Browser, Page, WebSocketRoute } from '@playwright/test';

import { PASSWORD, staffUser, verifiedCustomer } from './api';
import { audit, auditAndShootBoth, expect, expectLanguageSwitchChangesEverything, screenshot, test, uniqueEmail } from './support';

/** Signs in on the sign-in page and waits for the page of the user's role. */
async function signIn(page: Page, email: string, lands: RegExp): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(lands);
}

/** A second browser context (another person), failing the test on its console errors too. */
async function secondPerson(browser: Browser, baseURL: string | undefined): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL, locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['camera', 'microphone']);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  return { page, problems, close: () => context.close() };
}

/** Whether the video element `selector` of `page` plays a stream with pictures. */
async function videoPlays(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((video: HTMLVideoElement) => !video.paused && video.videoWidth > 0 && video.readyState >= 2);
}

test('a visitor writes to support with the contact form, and support sees the request', async ({ page, request, browser, baseURL }) => {
  await page.goto('/support');
  await expect(page.getByRole('heading', { level: 1, name: 'How can we help?' })).toBeVisible();
  // Invalid reference: the form says what is wrong before anything is sent.
  await page.getByLabel('Your name').fill('Jonas Weber');
  await page.getByLabel('Email address').fill('jonas.weber@example.com');
  await page.getByLabel('Subject').fill('Child seat');
  await page.getByLabel('Booking reference').fill('1234');
  await page.getByLabel('Your message').fill('Can I add a child seat to my booking in Berlin?');
  await page.getByRole('button', { name: 'Send my message' }).click();
  await expect(page.getByText('A booking reference looks like YCW-7K2M9Q.')).toBeVisible();
  await page.getByLabel('Booking reference').fill('');
  await auditAndShootBoth(page, 'contact');
  await expectLanguageSwitchChangesEverything(page, 'fr', ['Jonas Weber', 'Child seat', 'Can I add a child seat to my booking in Berlin?', 'YCW-7K2M9Q']);
  await expectLanguageSwitchChangesEverything(page, 'en', ['Jonas Weber', 'Child seat', 'Can I add a child seat to my booking in Berlin?', 'YCW-7K2M9Q']);
  await page.getByRole('button', { name: 'Send my message' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you, we have your message' })).toBeFocused();
  await expect(page.getByText('We have sent a confirmation to jonas.weber@example.com.')).toBeVisible();

  // Support sees it in the console and marks it handled.
  const supportEmail = uniqueEmail('support.contact');
  await staffUser(request, 'support', supportEmail);
  const support = await secondPerson(browser, baseURL);
  await signIn(support.page, supportEmail, /\/console$/);
  await support.page.getByRole('link', { name: 'Contact requests' }).click();
  const item = support.page.getByRole('listitem').filter({ hasText: 'Child seat' }).first();
  await expect(item.getByText('From Jonas Weber (jonas.weber@example.com)')).toBeVisible();
  await auditAndShootBoth(support.page, 'console-contact-requests');
  await item.getByRole('button', { name: 'Mark as handled' }).click();
  await expect(item.getByText('Handled', { exact: true })).toBeVisible();
  expect(support.problems).toEqual([]);
  await support.close();
});

test('a customer and a support user chat live (marks, typing, a dropped connection) and hold a video call', async ({ page, request, browser, baseURL, problems }) => {
  test.setTimeout(180_000);
  const clientEmail = uniqueEmail('chat.client');
  const supportEmail = uniqueEmail('chat.support');
  await verifiedCustomer(request, clientEmail);
  await staffUser(request, 'support', supportEmail);

  // The customer's socket goes through a proxy the test can cut (a dropped connection).
  let cut = false;
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/api\/v1\/support\/ws/, (ws) => {
    if (cut) {
      void ws.close({ code: 1006, reason: 'network down' });
      return;
    }
    sockets.push(ws);
    ws.connectToServer();
  });

  // Support watches the queue before the conversation exists: it arrives live, no reload.
  const support = await secondPerson(browser, baseURL);
  const agent = support.page;
  await signIn(agent, supportEmail, /\/console$/);
  await expect(agent.getByText('Live', { exact: true })).toBeVisible();

  // The customer lands on their reservations, opens a conversation.
  await signIn(page, clientEmail, /\/reservations$/);
  await page.getByRole('button', { name: 'My account' }).click();
  await page.getByRole('link', { name: 'Chat with support' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Chat with our support team' })).toBeVisible();
  await page.getByLabel('Subject').fill('Change of driver');
  await page.getByLabel('Your message').fill('Hello, can my partner drive the car too?');
  await page.getByRole('button', { name: 'Start the conversation' }).click();
  await expect(page).toHaveURL(/\/support\/chat\/[0-9a-f-]+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Change of driver' })).toBeVisible();
  await expect(page.getByText('Waiting for support')).toBeVisible();
  const clientLog = page.getByRole('log', { name: 'Messages of the conversation' });
  await expect(clientLog.getByText('Hello, can my partner drive the car too?')).toBeVisible();

  // Support: the queue, claim, the conversation.
  await expect(agent.getByRole('banner').getByRole('link', { name: 'Create an account' })).toHaveCount(0);
  const row = agent.getByRole('listitem').filter({ hasText: 'Change of driver' });
  await expect(row).toBeVisible();
  await auditAndShootBoth(agent, 'console-queue');
  await row.getByRole('button', { name: 'Take this conversation' }).click();
  await expect(agent).toHaveURL(/\/console\/conversations\/[0-9a-f-]+$/);
  const supportLog = agent.getByRole('log', { name: 'Messages of the conversation' });
  await expect(supportLog.getByText('Hello, can my partner drive the car too?')).toBeVisible();

  // The customer sees it taken (conversation.updated), and their message read.
  await expect(page.getByText('In progress', { exact: true })).toBeVisible();
  await expect(clientLog.locator('[data-state="read"]')).toHaveCount(1);

  // Typing, then a live reply.
  await agent.getByLabel('Your message').pressSequentially('Yes', { delay: 50 });
  await expect(page.getByText('Support is typing…')).toBeVisible();
  await agent.getByLabel('Your message').fill('Yes, add them as a second driver at the counter.');
  await agent.getByLabel('Your message').press('Enter');
  await expect(clientLog.getByText('Yes, add them as a second driver at the counter.')).toBeVisible();
  await expect(page.getByText('Support is typing…')).toHaveCount(0);

  // The customer answers; support receives it, the customer sees it delivered then read.
  await page.getByLabel('Your message').fill('Great, thank you!');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(supportLog.getByText('Great, thank you!')).toBeVisible();
  await expect(clientLog.locator('[data-state="read"]')).toHaveCount(2);

  // The connection drops: a notice, not the error page; what support writes meanwhile is replayed.
  cut = true;
  for (const ws of sockets) await ws.close({ code: 1006, reason: 'network down' });
  await expect(page.getByRole('status').getByText('The live connection was lost. Reconnecting…')).toBeVisible();
  await expect(page).toHaveURL(/\/support\/chat\/[0-9a-f-]+$/);
  await agent.getByLabel('Your message').fill('Bring their driving licence, please.');
  await agent.getByLabel('Your message').press('Enter');
  await expect(supportLog.getByText('Bring their driving licence, please.')).toBeVisible();
  // Written while offline: kept, sent once the connection is back.
  await page.getByLabel('Your message').fill('Will do.');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(clientLog.getByText('Sending…')).toBeVisible();
  cut = false;
  await expect(clientLog.getByText('Bring their driving licence, please.')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('The live connection was lost. Reconnecting…')).toHaveCount(0);
  await expect(supportLog.getByText('Will do.')).toBeVisible();
  await expect(clientLog.getByText('Bring their driving licence, please.')).toHaveCount(1);
  await expect(supportLog.getByText('Will do.')).toHaveCount(1);
  await auditAndShootBoth(page, 'support-chat');

  // Video call: the customer calls, support answers; each sees the other's video playing.
  await page.getByRole('button', { name: 'Start a video call' }).click();
  await expect(agent.getByText('The other participant is calling you.')).toBeVisible();
  await agent.getByRole('button', { name: 'Answer' }).click();
  await expect(page.getByText('Call connected.')).toBeVisible({ timeout: 30_000 });
  await expect(agent.getByText('Call connected.')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => videoPlays(page, 'video.call__remote'), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => videoPlays(agent, 'video.call__remote'), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => videoPlays(page, 'video.call__local')).toBe(true);
  await page.getByRole('button', { name: 'Mute the microphone' }).click();
  await expect(page.getByRole('button', { name: 'Unmute the microphone' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Turn the camera off' }).click();
  await expect(page.getByRole('button', { name: 'Turn the camera on' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Turn the camera on' }).click();
  await expect(clientLog.getByText(/^Video call started at/)).toBeVisible();
  await audit(page, 'video call (customer)');
  await auditAndShootBoth(agent, 'console-video-call');
  await screenshot(page, 'support-video-call');
  await page.getByRole('button', { name: 'Hang up' }).click();
  await expect(page.getByText('The call has ended.')).toBeVisible();
  await expect(agent.getByText('The other participant ended the call.')).toBeVisible();
  await expect(supportLog.getByText(/^Video call ended at/)).toBeVisible();

  // Support closes the conversation: read-only for both.
  await auditAndShootBoth(agent, 'console-conversation');
  await agent.getByRole('button', { name: 'Close the conversation' }).click();
  await expect(page.getByText('This conversation is closed.')).toBeVisible();
  await expect(page.getByLabel('Your message')).toHaveCount(0);
  await expect(clientLog.getByText(/^Conversation closed at/)).toBeVisible();

  expect(support.problems).toEqual([]);
  await support.close();
  // A dropped WebSocket is logged by the browser as a failed connection: not one of the page's problems.
  problems.splice(0, problems.length, ...problems.filter((p) => !/WebSocket/.test(p)));
});
