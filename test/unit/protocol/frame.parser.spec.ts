import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { StompProtocolError } from '../../../lib/engine/errors/protocol.error.js';
import type { StompFrame, StompVersion } from '../../../lib/interfaces/stomp-frame.interface.js';
import { FrameParser, type FrameParserLimits } from '../../../lib/engine/protocol/frame.parser.js';

const ROOMY: FrameParserLimits = { maxFrameBytes: 1 << 20, maxHeaders: 64, maxHeaderLineBytes: 8192 };

interface Options {
  limits?: Partial<FrameParserLimits>;
  accept?: 'client' | 'server';
  version?: StompVersion;
}

function newParser(options: Options = {}): { parser: FrameParser; frames: StompFrame[] } {
  const frames: StompFrame[] = [];
  const parser = new FrameParser({ ...ROOMY, ...options.limits }, (f) => frames.push(f), options.accept);
  parser.version = options.version;
  return { parser, frames };
}

function parse(chunks: Array<Buffer | string> | Buffer | string, options: Options = {}): StompFrame[] {
  const { parser, frames } = newParser(options);
  for (const chunk of Array.isArray(chunks) ? chunks : [chunks]) parser.push(chunk);
  return frames;
}

/** The error code thrown while pushing `chunks`, or undefined when none is thrown. */
function errorCode(chunks: Array<Buffer | string> | Buffer | string, options: Options = {}): string | undefined {
  try {
    parse(chunks, options);
  } catch (err) {
    if (err instanceof StompProtocolError) return err.code;
    throw err;
  }
  return undefined;
}

/** Frames as plain data, so toEqual compares header objects regardless of their prototype. */
function plain(frames: StompFrame[]): Array<{ command: string; headers: Record<string, string>; body: string }> {
  return frames.map((f) => ({ command: f.command, headers: { ...f.headers }, body: f.body.toString('hex') }));
}

function frameOf(command: string, headers: Record<string, string>, body: string | Buffer = '') {
  return { command, headers, body: Buffer.from(body).toString('hex') };
}

describe('FrameParser: framing', () => {
  const stream = Buffer.concat([
    Buffer.from('\n\r\n'),
    Buffer.from('SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello\0'),
    Buffer.from('\n\n'),
    Buffer.from('SEND\r\ndestination:/queue/b\r\ncontent-length:5\r\n\r\na\0b\0c\0'),
    Buffer.from('\r\n'),
    Buffer.from('SUBSCRIBE\nid:s\\c1\ndestination:/topic/é\n\n\0'),
    Buffer.from('DISCONNECT\nreceipt:77\n\n\0\n'),
  ]);
  const expected = [
    frameOf('SEND', { destination: '/queue/a', 'content-type': 'text/plain' }, 'hello'),
    frameOf('SEND', { destination: '/queue/b', 'content-length': '5' }, 'a\0b\0c'),
    frameOf('SUBSCRIBE', { id: 's:1', destination: '/topic/é' }),
    frameOf('DISCONNECT', { receipt: '77' }),
  ];

  it('parses several frames and heart-beats from one chunk', () => {
    expect(plain(parse(stream))).toEqual(expected);
  });

  it('parses the same stream split into two chunks at every byte position', () => {
    for (let i = 0; i <= stream.length; i++) {
      expect(plain(parse([stream.subarray(0, i), stream.subarray(i)]))).toEqual(expected);
    }
  });

  it('parses a frame split into three chunks at every pair of positions', () => {
    const frame = Buffer.from('SEND\r\ndestination:/q\r\ncontent-length:3\r\n\r\nx\0y\0\r\n');
    const want = [frameOf('SEND', { destination: '/q', 'content-length': '3' }, 'x\0y')];
    for (let i = 0; i <= frame.length; i++) {
      for (let j = i; j <= frame.length; j++) {
        expect(plain(parse([frame.subarray(0, i), frame.subarray(i, j), frame.subarray(j)]))).toEqual(want);
      }
    }
  });

  it('parses the stream fed one byte at a time and leaves nothing buffered', () => {
    const { parser, frames } = newParser();
    for (let i = 0; i < stream.length; i++) parser.push(stream.subarray(i, i + 1));
    expect(plain(frames)).toEqual(expected);
    expect(parser.bufferedBytes).toBe(0);
  });

  it('emits nothing and reports buffered bytes while a frame is incomplete', () => {
    const { parser, frames } = newParser();
    parser.push('SEND\ndestination:/q\n\nhel');
    expect(frames).toHaveLength(0);
    expect(parser.bufferedBytes).toBe(3);
    parser.push('lo\0SEND\n');
    expect(frames).toHaveLength(1);
    expect(parser.bufferedBytes).toBe(0);
  });

  it('treats EOLs before, between and after frames as heart-beats only', () => {
    const { parser, frames } = newParser();
    parser.push('\n\n\r\n\n');
    expect(frames).toHaveLength(0);
    expect(parser.bufferedBytes).toBe(0);
    parser.push('\r');
    parser.push('\nDISCONNECT\n\n\0\r\n\r\n\n');
    expect(plain(frames)).toEqual([frameOf('DISCONNECT', {})]);
    expect(parser.bufferedBytes).toBe(0);
  });

  it('encodes string chunks as UTF-8 and counts content-length in bytes', () => {
    const body = 'héllo 😀';
    const frames = parse(`SEND\ndestination:/q\ncontent-length:${Buffer.byteLength(body)}\n\n${body}\0`);
    expect(frames[0].body.toString('utf8')).toBe(body);
  });

  it('gives an empty Buffer body when there is none', () => {
    const [frame] = parse('SUBSCRIBE\nid:1\ndestination:/q\n\n\0');
    expect(Buffer.isBuffer(frame.body)).toBe(true);
    expect(frame.body.length).toBe(0);
  });

  it('accepts content-length:0', () => {
    expect(plain(parse('SEND\ncontent-length:0\n\n\0'))).toEqual([frameOf('SEND', { 'content-length': '0' })]);
  });

  it('reads random binary bodies by content-length across random chunk boundaries', () => {
    for (let round = 0; round < 20; round++) {
      const body = randomBytes(1 + Math.floor(Math.random() * 4096));
      body[0] = 0; // always at least one NUL inside the body
      const wire = Buffer.concat([Buffer.from(`SEND\ndestination:/q\ncontent-length:${body.length}\n\n`), body, Buffer.from([0])]);
      const chunks: Buffer[] = [];
      for (let at = 0; at < wire.length;) {
        const size = 1 + Math.floor(Math.random() * 300);
        chunks.push(wire.subarray(at, at + size));
        at += size;
      }
      const frames = parse(chunks);
      expect(frames).toHaveLength(1);
      expect(frames[0].body.equals(body)).toBe(true);
    }
  });

  it('handles a large frame arriving in one-byte chunks in linear time', () => {
    const size = 200_000;
    for (const withLength of [false, true]) {
      const header = withLength ? `SEND\ncontent-length:${size}\n\n` : 'SEND\n\n';
      const wire = Buffer.concat([Buffer.from(header), Buffer.alloc(size, 0x61), Buffer.from([0])]);
      const { parser, frames } = newParser();
      for (let i = 0; i < wire.length; i++) parser.push(wire.subarray(i, i + 1));
      expect(frames).toHaveLength(1);
      expect(frames[0].body.length).toBe(size);
    }
  });

  it('applies a version set from the frame callback to the next frame of the same chunk', () => {
    const frames: StompFrame[] = [];
    const parser = new FrameParser(ROOMY, (frame) => {
      frames.push(frame);
      parser.version = '1.0';
    });
    parser.push('CONNECT\naccept-version:1.0\n\n\0SEND\n destination : /q \n\n\0');
    expect(frames[1].headers).toEqual({ destination: '/q' });
  });

  it('accepts only client commands by default and only server commands when asked', () => {
    expect(parse('CONNECTED\nversion:1.2\n\n\0', { accept: 'server' })[0].command).toBe('CONNECTED');
    expect(errorCode('CONNECTED\n\n\0')).toBe('UNKNOWN_COMMAND');
    expect(errorCode('SEND\n\n\0', { accept: 'server' })).toBe('UNKNOWN_COMMAND');
    for (const c of ['CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT']) {
      expect(parse(`${c}\n\n\0`)[0].command).toBe(c);
    }
    for (const c of ['MESSAGE', 'RECEIPT', 'ERROR']) expect(parse(`${c}\n\n\0`, { accept: 'server' })[0].command).toBe(c);
  });
});

describe('FrameParser: errors', () => {
  it.each(['FOO', 'send', ' SEND', 'SEND ', 'SENDX', 'CONNECTED'])('rejects command %j with UNKNOWN_COMMAND', (cmd) => {
    expect(errorCode(`${cmd}\n\n\0`)).toBe('UNKNOWN_COMMAND');
  });

  it('names the unknown command in a short message', () => {
    const { parser } = newParser();
    expect(() => parser.push('FOO\n')).toThrow("Unknown command 'FOO'");
    let thrown: unknown;
    try {
      newParser().parser.push(`${'Z'.repeat(5000)}\n`);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StompProtocolError);
    expect((thrown as StompProtocolError).code).toBe('UNKNOWN_COMMAND');
    expect((thrown as StompProtocolError).message.length).toBeLessThan(80);
  });

  it('rejects a header line without a colon', () => {
    expect(errorCode('SEND\ndestination\n\n\0')).toBe('MALFORMED_HEADER');
  });

  it('rejects an empty header name', () => {
    expect(errorCode('SEND\n:value\n\n\0')).toBe('MALFORMED_HEADER');
  });

  it.each([
    ['in a header value', 'SEND\ndestination:/q\rx\n\n\0'],
    ['before the CRLF of a header', 'SEND\ndestination:/q\r\r\n\n\0'],
    ['in a command line', 'SE\rND\n\n\0'],
    ['starting a frame', '\rSEND\n\n\0'],
  ])('rejects a bare CR %s', (_where, wire) => {
    expect(errorCode(wire)).toBe('MALFORMED_HEADER');
  });

  it.each([
    ['a NUL in a value (stompjs 2.x would end the frame there)', 'SEND\ndestination:/q\0MESSAGE\nx:1\n\n\0'],
    ['a NUL in a name', 'SEND\ndesti\0nation:/q\n\n\0'],
    ['an ESC in a value', 'SEND\ndestination:/q\x1b[2J\n\n\0'],
    ['a vertical tab in a value', 'SEND\ndestination:/q\x0b\n\n\0'],
    ['a control byte in a CONNECT header (never unescaped)', 'CONNECT\nlogin:a\x01b\n\n\0'],
  ])('rejects %s', (_what, wire) => {
    expect(errorCode(wire)).toBe('MALFORMED_HEADER');
    expect(errorCode(wire, { version: '1.0' })).toBe('MALFORMED_HEADER');
  });

  it('says which control byte it refused', () => {
    expect(() => parse('SEND\ndestination:/q\0x\n\n\0')).toThrow('Header contains a NUL byte');
    expect(() => parse('SEND\ndestination:/q\x1f\n\n\0')).toThrow('Header contains control byte 0x1f');
  });

  it('accepts a tab inside a value, and CR LF, \\r and \\n escapes (they are not raw control bytes)', () => {
    const [frame] = parse('SEND\r\ndestination:/q\r\nnote:a\tb\\r\\n\r\n\r\n\0');
    expect(frame.headers.note).toBe('a\tb\r\n');
  });

  it.each(['user-name ', ' user-name', 'user-name\t', '\\nuser-name'])(
    'rejects the header name %j (leading or trailing whitespace) under 1.1+',
    (name) => {
      const wire = `SEND\ndestination:/q\n${name}:admin\n\n\0`;
      expect(errorCode(wire)).toBe('MALFORMED_HEADER');
      expect(errorCode(wire, { version: '1.1' })).toBe('MALFORMED_HEADER');
      expect(() => parse(wire)).toThrow(/leading or trailing whitespace/);
    },
  );

  it('rejects whitespace around a CONNECT header name too', () => {
    expect(errorCode('CONNECT\naccept-version :1.2\n\n\0')).toBe('MALFORMED_HEADER');
  });

  it.each(['abc', '-1', '1.5', '', '+3', '0x10', ' 3', '3 '])('rejects content-length %j under 1.2', (value) => {
    expect(errorCode(`SEND\ncontent-length:${value}\n\nabc\0`)).toBe('BAD_CONTENT_LENGTH');
  });

  it('trims content-length under 1.0', () => {
    const frames = parse('SEND\ncontent-length: 3 \n\na\0b\0', { version: '1.0' });
    expect(frames[0].body.toString()).toBe('a\0b');
  });

  it('rejects a content-length body not followed by NUL', () => {
    expect(errorCode('SEND\ncontent-length:3\n\nabcd\0')).toBe('MISSING_NUL');
    expect(errorCode(['SEND\ncontent-length:3\n\nab', 'c', '\n'])).toBe('MISSING_NUL');
  });

  it('waits for the NUL after a content-length body before judging it', () => {
    const { parser, frames } = newParser();
    parser.push('SEND\ncontent-length:3\n\nabc');
    expect(frames).toHaveLength(0);
    parser.push('\0');
    expect(frames).toHaveLength(1);
  });

  it('stays dead after an error, rethrowing the same error and holding no bytes', () => {
    const { parser, frames } = newParser();
    let first: unknown;
    try {
      parser.push('SEND\nbroken\n\n\0');
    } catch (err) {
      first = err;
    }
    expect(first).toBeInstanceOf(StompProtocolError);
    expect(parser.bufferedBytes).toBe(0);
    let second: unknown;
    try {
      parser.push('SEND\ndestination:/q\n\n\0');
    } catch (err) {
      second = err;
    }
    expect(second).toBe(first);
    expect(frames).toHaveLength(0);
  });

  it('still emits the frames before the bad one in the same chunk', () => {
    const { parser, frames } = newParser();
    expect(() => parser.push('SEND\n\nok\0BAD\n\n\0')).toThrow(StompProtocolError);
    expect(frames).toHaveLength(1);
  });
});

describe('FrameParser: headers', () => {
  it('keeps the first of repeated headers', () => {
    const [frame] = parse('SEND\nfoo:1\nfoo:2\nfoo:3\n\n\0');
    expect(frame.headers.foo).toBe('1');
  });

  it('takes the body length from the first content-length', () => {
    const [frame] = parse('SEND\ncontent-length:2\ncontent-length:5\n\nab\0');
    expect(frame.body.toString()).toBe('ab');
  });

  it('splits at the first colon and keeps the rest of the value', () => {
    const [frame] = parse('SEND\nx:a:b::c\n\n\0');
    expect(frame.headers.x).toBe('a:b::c');
  });

  it('unescapes names and values under 1.2, and before negotiation', () => {
    for (const version of ['1.2', undefined] as const) {
      const [frame] = parse('SEND\nna\\cme:v\\na\\\\l\\cu\\re\n\n\0', { version });
      expect({ ...frame.headers }).toEqual({ 'na:me': 'v\na\\l:u\re' });
    }
  });

  it('unescapes under 1.1 but rejects \\r there', () => {
    expect(parse('SEND\nx:a\\cb\n\n\0', { version: '1.1' })[0].headers.x).toBe('a:b');
    expect(errorCode('SEND\nx:a\\rb\n\n\0', { version: '1.1' })).toBe('BAD_ESCAPE');
  });

  it.each(['a\\qb', 'trailing\\', '\\t'])('rejects escape %j with BAD_ESCAPE', (raw) => {
    expect(errorCode(`SEND\nx:${raw}\n\n\0`)).toBe('BAD_ESCAPE');
    expect(errorCode(`SEND\n${raw}:x\n\n\0`)).toBe('BAD_ESCAPE');
  });

  it('passes CONNECT, STOMP and CONNECTED headers through verbatim', () => {
    for (const command of ['CONNECT', 'STOMP']) {
      const [frame] = parse(`${command}\npasscode:a\\qb\nhost:x:y:z\nlogin:tr\\\n\n\0`);
      expect({ ...frame.headers }).toEqual({ passcode: 'a\\qb', host: 'x:y:z', login: 'tr\\' });
    }
    const [connected] = parse('CONNECTED\nserver:a\\qb:c\n\n\0', { accept: 'server', version: '1.2' });
    expect(connected.headers.server).toBe('a\\qb:c');
  });

  it('trims names and values under 1.0 and does not unescape', () => {
    const [frame] = parse('SEND\n  destination  :  /q  \nx:a\\qb\n\n\0', { version: '1.0' });
    expect({ ...frame.headers }).toEqual({ destination: '/q', x: 'a\\qb' });
  });

  it('keeps surrounding whitespace of a value under 1.2 (a name with it is refused)', () => {
    const [frame] = parse('SEND\ndestination: /q \n\n\0', { version: '1.2' });
    expect({ ...frame.headers }).toEqual({ destination: ' /q ' });
  });

  it('stores __proto__ and constructor as ordinary headers', () => {
    const [frame] = parse('SEND\n__proto__:evil\nconstructor:c\ntoString:t\n\n\0');
    expect(Object.getPrototypeOf(frame.headers)).toBeNull();
    expect(frame.headers['__proto__']).toBe('evil');
    expect(frame.headers.constructor).toBe('c');
    expect(Object.keys(frame.headers)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(({} as Record<string, unknown>).evil).toBeUndefined();
  });

  it('keeps a header named like an Object.prototype member as a first occurrence', () => {
    const [frame] = parse('SEND\nhasOwnProperty:1\nhasOwnProperty:2\n\n\0');
    expect(frame.headers.hasOwnProperty).toBe('1');
  });
});

describe('FrameParser: limits', () => {
  const headers = (n: number) => Array.from({ length: n }, (_, i) => `h${i}:v\n`).join('');

  it('accepts exactly maxHeaders header lines and rejects one more', () => {
    const limits = { maxHeaders: 3 };
    expect(parse(`SEND\n${headers(3)}\n\0`, { limits })).toHaveLength(1);
    expect(errorCode(`SEND\n${headers(4)}\n\0`, { limits })).toBe('TOO_MANY_HEADERS');
  });

  it('counts repeated header lines against maxHeaders', () => {
    expect(errorCode('SEND\na:1\na:2\na:3\n\n\0', { limits: { maxHeaders: 2 } })).toBe('TOO_MANY_HEADERS');
  });

  describe('maxHeaderLineBytes', () => {
    const limits = { maxHeaderLineBytes: 10 };
    const exact = 'abcd:12345'; // 10 bytes

    it('accepts a header line of exactly the limit, with LF or CRLF', () => {
      expect(parse(`SEND\n${exact}\n\n\0`, { limits })[0].headers.abcd).toBe('12345');
      expect(parse(`SEND\r\n${exact}\r\n\r\n\0`, { limits })[0].headers.abcd).toBe('12345');
    });

    it('counts bytes, not characters', () => {
      expect(errorCode('SEND\nabcd:1234é\n\n\0', { limits })).toBe('HEADER_TOO_LONG');
      expect(parse('SEND\nabcd:123é\n\n\0', { limits })).toHaveLength(1);
    });

    it('rejects a header line one byte over', () => {
      expect(errorCode(`SEND\n${exact}6\n\n\0`, { limits })).toBe('HEADER_TOO_LONG');
      expect(errorCode(`SEND\r\n${exact}6\r\n\r\n\0`, { limits })).toBe('HEADER_TOO_LONG');
    });

    it('rejects an over-long line before its LF arrives', () => {
      const { parser } = newParser({ limits });
      parser.push('SEND\n');
      parser.push(exact);
      expect(() => parser.push('6')).toThrow(expect.objectContaining({ code: 'HEADER_TOO_LONG' }));
    });

    it('waits for the LF when the byte past the limit is a CR', () => {
      const { parser, frames } = newParser({ limits });
      parser.push(`SEND\n${exact}\r`);
      parser.push('\n\n\0');
      expect(frames).toHaveLength(1);
    });

    it('applies to the command line too', () => {
      expect(errorCode('SUBSCRIBE\n\n\0', { limits: { maxHeaderLineBytes: 8 } })).toBe('HEADER_TOO_LONG');
      expect(parse('SUBSCRIBE\n\n\0', { limits: { maxHeaderLineBytes: 9 } })).toHaveLength(1);
      const { parser } = newParser({ limits: { maxHeaderLineBytes: 4 } });
      expect(() => parser.push('XXXXXXXX')).toThrow(expect.objectContaining({ code: 'HEADER_TOO_LONG' }));
    });
  });

  describe('maxFrameBytes', () => {
    // 'SEND\n' (5) + 'destination:/q\n' (15) + '\n' (1) = 21 bytes before the body
    const head = 'SEND\ndestination:/q\n\n';
    const limits = { maxFrameBytes: 31 };

    it('accepts a frame of exactly the limit and rejects one byte more, without content-length', () => {
      expect(parse(`${head}${'x'.repeat(10)}\0`, { limits })[0].body.length).toBe(10);
      expect(errorCode(`${head}${'x'.repeat(11)}\0`, { limits })).toBe('FRAME_TOO_LARGE');
    });

    it('accepts a frame of exactly the limit and rejects one byte more, with content-length', () => {
      // 'content-length:N\n' adds 17 bytes
      const withLength = (n: number) => `SEND\ndestination:/q\ncontent-length:${n}\n\n${'x'.repeat(n)}\0`;
      const cl = { maxFrameBytes: 21 + 17 + 5 };
      expect(parse(withLength(5), { limits: cl })[0].body.length).toBe(5);
      expect(errorCode(withLength(6), { limits: cl })).toBe('FRAME_TOO_LARGE');
    });

    it('rejects before the NUL arrives', () => {
      const { parser } = newParser({ limits });
      parser.push(head + 'x'.repeat(10));
      expect(() => parser.push('x')).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
    });

    it('rejects as soon as the headers are too large', () => {
      const { parser } = newParser({ limits: { maxFrameBytes: 20 } });
      parser.push('SEND\nabc:0123456789');
      expect(() => parser.push('0123')).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
    });

    it('rejects a declared content-length that cannot fit as soon as the header line is read', () => {
      const { parser } = newParser({ limits: { maxFrameBytes: 100 } });
      expect(() => parser.push('SEND\ncontent-length:1000000\n')).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
    });

    it('does not count heart-beats or the following frames of the same chunk', () => {
      const frame = `${head}${'x'.repeat(10)}\0`;
      const frames = parse(`\n\r\n\n${frame}\n${frame}\r\n${frame}`, { limits });
      expect(frames).toHaveLength(3);
    });
  });
});
