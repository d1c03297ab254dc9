import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.ts';

describe('SseParser', () => {
  it('dispatches on a blank line, joins data lines and keeps partial lines across chunks', () => {
    const parser = new SseParser();
    expect(parser.push('event: delta\nid: 4\ndata: {"a":')).toEqual([]);
    expect(parser.push('1}\ndata: x\n\n: keep-alive\n\nevent: snapshot\r\n')).toEqual([{ event: 'delta', data: '{"a":1}\nx', id: '4' }]);
    expect(parser.push('data: y\r')).toEqual([]);
    expect(parser.push('\n\r\n')).toEqual([{ event: 'snapshot', data: 'y' }]);
  });

  it('ignores a message without data and defaults the event name', () => {
    const parser = new SseParser();
    expect(parser.push('event: ping\n\ndata:plain\n\n')).toEqual([{ event: 'message', data: 'plain' }]);
  });
});
