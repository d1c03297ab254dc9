// Commit messages with a git trailer block: written by the write path, parsed back by the history view.
import { InvalidCommitMetadataError } from './errors.ts';
import type { Author } from './types.ts';

const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*): ?(.*)$/;

/** The full message: the edit's message, a blank line and one `Key: value` line per trailer, ending in a newline. */
export function formatCommitMessage(message: string, trailers: Array<[string, string]> = []): string {
  for (const [key, value] of trailers) {
    if (!TRAILER_KEY.test(key)) throw new InvalidCommitMetadataError({ field: 'trailer key', value: key, reason: 'use letters, digits and dashes' });
    if (/[\r\n]/.test(value)) throw new InvalidCommitMetadataError({ field: `trailer ${key}`, value, reason: 'a trailer value is one line' });
  }
  const text = message.replace(/\s+$/, '');
  if (text === '') throw new InvalidCommitMetadataError({ field: 'message', value: message, reason: 'a commit needs a subject line' });
  const block = trailers.map(([key, value]) => `${key}: ${value}`).join('\n');
  return block ? `${text}\n\n${block}\n` : `${text}\n`;
}

/** Refuses identities git would mangle: `<`, `>` or line breaks, or an empty name. */
export function checkAuthor(author: Author, field: string): Author {
  for (const [part, value] of [['name', author.name], ['email', author.email]] as const) {
    if (/[<>\n\r\0]/.test(value)) throw new InvalidCommitMetadataError({ field: `${field} ${part}`, value, reason: 'must not contain <, > or line breaks' });
  }
  if (author.name.trim() === '') throw new InvalidCommitMetadataError({ field: `${field} name`, value: author.name, reason: 'must not be empty' });
  return author;
}

/** A message split into subject, body and the trailer block (the last paragraph when every line of it is `Key: value`). */
export function parseCommitMessage(message: string): { subject: string; body: string; trailers: Array<[string, string]> } {
  const paragraphs = message.replace(/\s+$/, '').split(/\n[ \t]*\n/);
  const subject = (paragraphs.shift() ?? '').trim();
  let trailers: Array<[string, string]> = [];
  const last = paragraphs[paragraphs.length - 1];
  if (last !== undefined) {
    const lines = last.split('\n');
    const parsed = lines.map((line) => TRAILER_LINE.exec(line));
    if (parsed.every((match) => match !== null)) {
      trailers = parsed.map((match) => [match?.[1] ?? '', match?.[2] ?? '']);
      paragraphs.pop();
    }
  }
  return { subject, body: paragraphs.join('\n\n').trim(), trailers };
}
