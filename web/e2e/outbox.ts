// The worker's file outbox (OUTBOX_DIR): one .eml per message sent. The links that only mail
// carries (address confirmations, password resets, invitations) are read from there, as their
// recipient would read them from a mailbox.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Mail {
  file: string;
  to: string;
  subject: string;
  /** The text/plain part, decoded. */
  text: string;
}

function splitHead(raw: string): { head: Map<string, string>; body: string } {
  const end = raw.indexOf('\n\n');
  const headText = end === -1 ? raw : raw.slice(0, end);
  const body = end === -1 ? '' : raw.slice(end + 2);
  const head = new Map<string, string>();
  // Folded header lines continue with whitespace.
  for (const line of headText.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) head.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { head, body };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\n/g, '');
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

/** RFC 2047 words in a header ("=?utf-8?b?…?="). */
function decodeWords(value: string): string {
  return value.replace(/=\?[^?]+\?([bq])\?([^?]*)\?=\s*/gi, (_, kind: string, data: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

/** The text part of a message: the message itself, or the text/plain part of a multipart one. */
function textOf(head: Map<string, string>, body: string): string {
  const type = head.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith('multipart/') || !boundary) return decodeBody(body, head.get('content-transfer-encoding'));
  for (const part of body.split(`--${boundary}`).slice(1)) {
    const { head: partHead, body: partBody } = splitHead(part.replace(/^\n/, ''));
    const partType = (partHead.get('content-type') ?? 'text/plain').toLowerCase();
    if (partType.startsWith('multipart/')) {
      const nested = textOf(partHead, partBody);
      if (nested) return nested;
    } else if (partType.startsWith('text/plain')) {
      return decodeBody(partBody, partHead.get('content-transfer-encoding'));
    }
  }
  return '';
}

export function parseMail(file: string): Mail {
  const raw = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  const { head, body } = splitHead(raw);
  return { file, to: decodeWords(head.get('to') ?? ''), subject: decodeWords(head.get('subject') ?? ''), text: textOf(head, body) };
}

/**
 * The newest message to `to` whose text contains `containing`, written at or after `since` (ms);
 * waits for the worker to send it.
 */
export async function waitForMail(
  dir: string,
  { to, containing, since = 0, timeout = 30_000 }: { to: string; containing: string; since?: number; timeout?: number },
): Promise<Mail> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.eml'))
          .map((name) => ({ file: join(dir, name), at: statSync(join(dir, name)).mtimeMs }))
          .filter((f) => f.at >= since - 1000)
          .sort((a, b) => b.at - a.at)
          .map((f) => parseMail(f.file))
          .find((mail) => mail.to.toLowerCase().includes(to.toLowerCase()) && mail.text.includes(containing))
      : undefined;
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} containing ${containing} in ${dir} after ${timeout / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The first link in the mail that leads to `path` (e.g. `/account/confirm/`). */
export function linkIn(mail: Mail, path: string): string {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const link = new RegExp(`https?://\\S+?${escaped}\\S+`).exec(mail.text)?.[0];
  if (!link) throw new Error(`no ${path} link in ${mail.file}:\n${mail.text}`);
  return link;
}
