/**
 * The mail the backend sent during the browser tests, read from the real SMTP
 * server the suite runs on loopback (aiosmtpd, see servers.ts), which files
 * every message it accepts in a Maildir.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { MAILDIR } from "./servers";

export interface Mail {
  to: string;
  kind: string;
  subject: string;
  raw: string;
}

function header(head: string, name: string): string {
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(unfolded);
  return match?.[1]?.trim() ?? "";
}

function parse(raw: string): Mail {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  return { to: header(head, "To"), kind: header(head, "X-Account-Email"), subject: header(head, "Subject"), raw };
}

export function allMail(): Mail[] {
  const folder = path.join(MAILDIR, "new");
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return [];
  }
  return names.map((name) => parse(readFileSync(path.join(folder, name), "utf8")));
}

/** Wait for the `kind` email to `to` (account mail is sent in the background). */
export async function waitForMail(kind: string, to: string, timeoutMs = 20_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = allMail().find((mail) => mail.kind === kind && mail.to === to);
    if (found) {
      return found;
    }
    if (Date.now() > deadline) {
      const seen = allMail().map((mail) => `${mail.kind} to ${mail.to}`);
      throw new Error(`no ${kind} email to ${to} within ${timeoutMs} ms; received: ${seen.join(", ") || "nothing"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The one link with a token in a message (the text part; the HTML part carries the same). */
export function linkIn(mail: Mail): string {
  const links = new Set(mail.raw.match(/https?:\/\/[^\s"<>]+#token=[^\s"<>=]+/g) ?? []);
  if (links.size !== 1) {
    throw new Error(`expected one link in the ${mail.kind} email, found ${links.size}:\n${mail.raw}`);
  }
  const [link] = links;
  return link as string;
}
