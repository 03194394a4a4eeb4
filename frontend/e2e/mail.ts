import { simpleParser } from 'mailparser';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Reads the emails the worker sent to the SMTP sink (aiosmtpd's Mailbox handler: a maildir,
 * one .eml file per message in `new/`), polling with a deadline.
 */
export async function waitForLink(to: string, path: '/verify-email' | '/reset-password' | '/set-password', timeoutMs = 30_000): Promise<string> {
  const maildir = process.env['E2E_MAILDIR'];
  if (!maildir) throw new Error('E2E_MAILDIR is not set (run through scripts/test-frontend)');
  const deadline = Date.now() + timeoutMs;
  const pattern = new RegExp(`https?://[^\\s"'<>]+${path}\\?token=[A-Za-z0-9_\\-%.~]+`);
  while (Date.now() < deadline) {
    for (const folder of ['new', 'cur']) {
      const dir = join(maildir, folder);
      const files = await readdir(dir).catch(() => [] as string[]);
      for (const file of files) {
        const mail = await simpleParser(await readFile(join(dir, file)));
        const recipients = [mail.to].flat().flatMap((a) => (a ? a.value.map((v) => v.address?.toLowerCase()) : []));
        if (!recipients.includes(to.toLowerCase())) continue;
        const link = pattern.exec(mail.text ?? '')?.[0];
        if (link && !consumed.has(link)) {
          consumed.add(link);
          return link;
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no email to ${to} with a ${path} link within ${timeoutMs} ms`);
}

const consumed = new Set<string>();
