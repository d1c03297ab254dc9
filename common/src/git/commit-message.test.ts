// Trailer blocks are written the way git reads them and parsed back the same.
import { describe, expect, it } from 'vitest';
import { checkAuthor, formatCommitMessage, parseCommitMessage } from './commit-message.ts';
import { InvalidCommitMetadataError } from './errors.ts';

describe('commit messages', () => {
  it('appends trailers after a blank line and parses them back', () => {
    const message = formatCommitMessage('Promote dev to pp\n\nshop/cart 1.2 -> 1.3\n', [['Cascade-Type', 'Transition'], ['Cascade-Source', 'dev']]);
    expect(message).toBe('Promote dev to pp\n\nshop/cart 1.2 -> 1.3\n\nCascade-Type: Transition\nCascade-Source: dev\n');
    expect(parseCommitMessage(message)).toEqual({ subject: 'Promote dev to pp', body: 'shop/cart 1.2 -> 1.3', trailers: [['Cascade-Type', 'Transition'], ['Cascade-Source', 'dev']] });
  });

  it('does not mistake a body paragraph for trailers', () => {
    expect(parseCommitMessage('Subject\n\nNote: this is prose\nand more prose\n')).toEqual({ subject: 'Subject', body: 'Note: this is prose\nand more prose', trailers: [] });
    expect(parseCommitMessage('Key: value')).toEqual({ subject: 'Key: value', body: '', trailers: [] });
  });

  it('refuses multi-line trailer values, bad keys, empty messages and odd identities', () => {
    expect(() => formatCommitMessage('s', [['Cascade-Type', 'a\nb']])).toThrow(InvalidCommitMetadataError);
    expect(() => formatCommitMessage('s', [['Bad Key', 'v']])).toThrow(InvalidCommitMetadataError);
    expect(() => formatCommitMessage('  \n', [])).toThrow(InvalidCommitMetadataError);
    expect(() => checkAuthor({ name: 'Eve <x>', email: 'e@x' }, 'author')).toThrow(InvalidCommitMetadataError);
  });
});
