import { describe, expect, it } from '@jest/globals';
import type { StompFrame, StompHeaders, StompVersion } from '../../../lib/interfaces/stomp-frame.interface.js';
import { FrameParser } from '../../../lib/engine/protocol/frame.parser.js';
import {
  BODY_REPLACED_HEADER,
  MessageFrameTemplate,
  messagePrefix,
  serializeFrame,
} from '../../../lib/engine/protocol/frame.serializer.js';

const VERSIONS: StompVersion[] = ['1.0', '1.1', '1.2'];

/** Parses server frames back as a client of `version` would. */
function parseServer(wire: Buffer, version: StompVersion): StompFrame[] {
  const frames: StompFrame[] = [];
  const parser = new FrameParser({ maxFrameBytes: 1 << 20, maxHeaders: 64, maxHeaderLineBytes: 8192 }, (f) => frames.push(f), 'server');
  parser.version = version;
  parser.push(wire);
  expect(parser.bufferedBytes).toBe(0);
  return frames;
}

describe('serializeFrame', () => {
  it('writes command, headers, blank line, body and NUL with LF line ends', () => {
    const wire = serializeFrame('RECEIPT', { 'receipt-id': '7' }, undefined, '1.2');
    expect(wire.toString('latin1')).toBe('RECEIPT\nreceipt-id:7\n\n\0');
  });

  it('adds content-length as the UTF-8 byte length of a string body', () => {
    const body = 'héllo 😀';
    const wire = serializeFrame('MESSAGE', { destination: '/t' }, body, '1.2');
    expect(wire.toString('utf8')).toBe(`MESSAGE\ndestination:/t\ncontent-length:11\n\n${body}\0`);
    expect(Buffer.byteLength(body)).toBe(11);
  });

  it('replaces a wrong content-length from the caller', () => {
    const wire = serializeFrame('MESSAGE', { 'content-length': '999', destination: '/t' }, 'abc', '1.2');
    expect(wire.toString()).toBe('MESSAGE\ndestination:/t\ncontent-length:3\n\nabc\0');
  });

  it('writes content-length:0 when the caller asked for one on an empty body, and none otherwise', () => {
    expect(serializeFrame('ERROR', { 'content-length': '5' }, '', '1.2').toString()).toBe('ERROR\ncontent-length:0\n\n\0');
    expect(serializeFrame('ERROR', { message: 'x' }, '', '1.2').toString()).toBe('ERROR\nmessage:x\n\n\0');
  });

  it('skips headers whose value is undefined', () => {
    const headers = { a: '1', b: undefined, c: '3' } as unknown as StompHeaders;
    expect(serializeFrame('RECEIPT', headers, undefined, '1.2').toString()).toBe('RECEIPT\na:1\nc:3\n\n\0');
  });

  it('escapes names and values by version', () => {
    const headers = { 'k:e\\y': 'v:a\nl\r' };
    expect(serializeFrame('MESSAGE', headers, undefined, '1.2').toString()).toBe('MESSAGE\nk\\ce\\\\y:v\\ca\\nl\\r\n\n\0');
    expect(serializeFrame('MESSAGE', headers, undefined, '1.1').toString()).toBe('MESSAGE\nk\\ce\\\\y:v\\ca\\nl\r\n\n\0');
  });

  it('does not escape CONNECTED or CONNECT headers, nor anything under 1.0', () => {
    const headers = { server: 'a\\b:c' };
    expect(serializeFrame('CONNECTED', headers, undefined, '1.2').toString()).toBe('CONNECTED\nserver:a\\b:c\n\n\0');
    expect(serializeFrame('CONNECT', headers, undefined, '1.2').toString()).toBe('CONNECT\nserver:a\\b:c\n\n\0');
    expect(serializeFrame('MESSAGE', headers, undefined, '1.0').toString()).toBe('MESSAGE\nserver:a\\b:c\n\n\0');
  });

  it('neutralises CR and LF where there is no escaping, so no header can be injected', () => {
    const wire = serializeFrame('CONNECTED', { 'user-name': 'bob\nx-admin:true\r\n' }, undefined, '1.2');
    expect(wire.toString()).toBe('CONNECTED\nuser-name:bob x-admin:true  \n\n\0');
    const message = serializeFrame('MESSAGE', { a: 'x\n\ny' }, 'body', '1.0');
    expect(parseServer(message, '1.0').map((f) => f.body.toString())).toEqual(['body']);
  });

  it('keeps a binary body with NUL bytes intact', () => {
    const body = Buffer.from([0, 1, 0, 255, 10, 0]);
    const [frame] = parseServer(serializeFrame('MESSAGE', { destination: '/t' }, body, '1.2'), '1.2');
    expect(frame.body.equals(body)).toBe(true);
    expect(frame.headers['content-length']).toBe('6');
  });

  it.each(VERSIONS)('round-trips tricky headers through the parser under %s', (version) => {
    // 1.0 cannot carry EOLs at all; 1.1 has no CR escape (a raw CR would be a bare CR to our parser).
    const custom = { '1.0': 'a:b\\c', '1.1': 'a:b\\c\nd', '1.2': 'a:b\\c\nd\re' }[version];
    const headers: StompHeaders = { destination: '/topic/é', custom };
    const [frame] = parseServer(serializeFrame('MESSAGE', headers, 'payload', version), version);
    expect({ ...frame.headers }).toEqual({ ...headers, 'content-length': '7' });
    expect(frame.body.toString()).toBe('payload');
  });
});

describe('MessageFrameTemplate', () => {
  const shared: StompHeaders = {
    destination: '/topic/a:b',
    'content-type': 'text/plain;charset=UTF-8',
    custom: 'x\\y\nz',
  };
  const body = Buffer.from('héllo\0world');

  it.each(VERSIONS)('renders frames that parse back with their own subscription under %s', (version) => {
    const template = new MessageFrameTemplate(shared, body);
    for (const [sub, id] of [
      ['sub-0', 'm-1'],
      ['sub:1', 'm\\2'],
    ]) {
      const [frame] = parseServer(template.render(sub, id, version), version);
      expect(frame.command).toBe('MESSAGE');
      expect(frame.headers.subscription).toBe(sub);
      expect(frame.headers['message-id']).toBe(id);
      expect(frame.headers.destination).toBe(shared.destination);
      expect(frame.headers['content-length']).toBe(String(body.length));
      expect(frame.headers.ack).toBeUndefined();
      expect(frame.body.equals(body)).toBe(true);
      if (version !== '1.0') expect(frame.headers.custom).toBe(shared.custom);
    }
  });

  it.each(VERSIONS)('is byte-identical to serializeFrame under %s', (version) => {
    const template = new MessageFrameTemplate(shared, body);
    const expected = serializeFrame('MESSAGE', { subscription: 's', 'message-id': 'm', ack: 'a:1', ...shared }, body, version);
    expect(template.render('s', 'm', version, 'a:1').equals(expected)).toBe(true);
  });

  it('adds the ack header when given', () => {
    const [frame] = parseServer(new MessageFrameTemplate(shared, body).render('s', 'm', '1.2', 'ack-9'), '1.2');
    expect(frame.headers.ack).toBe('ack-9');
  });

  it('serialises the shared block once per escape mode and reuses it', () => {
    const template = new MessageFrameTemplate(shared, body);
    const first = template.sharedBytes('1.2');
    const a = template.render('s1', 'm1', '1.2');
    const b = template.render('s2', 'm2', '1.2');
    expect(template.sharedBytes('1.2')).toBe(first);
    expect(a.subarray(a.length - first.length).equals(first)).toBe(true);
    expect(b.subarray(b.length - first.length).equals(first)).toBe(true);
    expect(template.sharedBytes('1.1')).not.toBe(first);
    expect(template.sharedBytes('1.0')).toBe(template.sharedBytes('1.0'));
  });

  it('copies the body once: later renders do not read the original buffer again', () => {
    const source = Buffer.from('abc');
    const template = new MessageFrameTemplate({ destination: '/t' }, source);
    template.render('s', 'm', '1.2');
    source.write('XYZ');
    const [frame] = parseServer(template.render('s2', 'm2', '1.2'), '1.2');
    expect(frame.body.toString()).toBe('abc');
  });

  it('ignores per-delivery headers in the shared set and snapshots headers at construction', () => {
    const headers: StompHeaders = { destination: '/t', subscription: 'x', 'message-id': 'y', ack: 'z', 'content-length': '9' };
    const template = new MessageFrameTemplate(headers, Buffer.from('ab'));
    headers.destination = '/changed';
    const wire = template.render('s', 'm', '1.2').toString();
    expect(wire).toBe('MESSAGE\nsubscription:s\nmessage-id:m\ndestination:/t\ncontent-length:2\n\nab\0');
  });

  it('reports the body length and omits content-length for an empty body', () => {
    const template = new MessageFrameTemplate({ destination: '/t' }, Buffer.alloc(0));
    expect(template.bodyLength).toBe(0);
    expect(template.render('s', 'm', '1.2').toString()).toBe('MESSAGE\nsubscription:s\nmessage-id:m\ndestination:/t\n\n\0');
    expect(new MessageFrameTemplate({}, body).bodyLength).toBe(body.length);
  });

  describe('for a text-only transport (renderText)', () => {
    const invalid = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('\n\nMESSAGE\ndestination:/x\n\nforged\0'), Buffer.from([0xc3])]);
    const replacedBody = Buffer.from(invalid.toString('utf8'), 'utf8');

    it('shares the bytes of render when the body is UTF-8', () => {
      const template = new MessageFrameTemplate(shared, body);
      expect(template.bodyIsUtf8).toBe(true);
      expect(template.renderText('s', 'm', '1.2', 'a').equals(template.render('s', 'm', '1.2', 'a'))).toBe(true);
      const shared12 = template.sharedBytes('1.2');
      const text = template.renderText('s2', 'm2', '1.2');
      expect(text.subarray(text.length - shared12.length).equals(shared12)).toBe(true);
    });

    it.each(VERSIONS)('replaces a body that is not UTF-8, marks it and counts the replaced bytes under %s', (version) => {
      const template = new MessageFrameTemplate(shared, invalid);
      expect(template.bodyIsUtf8).toBe(false);
      const wire = template.renderText('s', 'm', version, 'a');
      expect(Buffer.from(wire.toString('utf8'), 'utf8').equals(wire)).toBe(true);
      const frames = parseServer(wire, version);
      expect(frames).toHaveLength(1);
      expect(frames[0].body.equals(replacedBody)).toBe(true);
      expect(frames[0].headers['content-length']).toBe(String(replacedBody.length));
      expect(frames[0].headers[BODY_REPLACED_HEADER]).toBe('utf8');
      expect(frames[0].headers.subscription).toBe('s');
      expect(frames[0].headers.ack).toBe('a');
    });

    it('builds the replaced form once per message and leaves render byte-exact', () => {
      const template = new MessageFrameTemplate(shared, invalid);
      const a = template.renderText('s1', 'm1', '1.2');
      const b = template.renderText('s2', 'm2', '1.2');
      const tail = a.subarray(a.indexOf('destination:'));
      expect(b.subarray(b.indexOf('destination:')).equals(tail)).toBe(true);
      const [exact] = parseServer(template.render('s', 'm', '1.2'), '1.2');
      expect(exact.body.equals(invalid)).toBe(true);
      expect(exact.headers[BODY_REPLACED_HEADER]).toBeUndefined();
    });

    it('never takes the replacement header from the caller', () => {
      const template = new MessageFrameTemplate({ ...shared, [BODY_REPLACED_HEADER]: 'utf8' }, body);
      const [frame] = parseServer(template.renderText('s', 'm', '1.2'), '1.2');
      expect(frame.headers[BODY_REPLACED_HEADER]).toBeUndefined();
    });

    it('serializeFrame does the same for a frame built by the session', () => {
      const [frame] = parseServer(serializeFrame('MESSAGE', { subscription: 's', destination: '/t' }, invalid, '1.2', true), '1.2');
      expect(frame.body.equals(replacedBody)).toBe(true);
      expect(frame.headers['content-length']).toBe(String(replacedBody.length));
      expect(frame.headers[BODY_REPLACED_HEADER]).toBe('utf8');
      const [bytes] = parseServer(serializeFrame('MESSAGE', { destination: '/t' }, invalid, '1.2'), '1.2');
      expect(bytes.body.equals(invalid)).toBe(true);
      const [text] = parseServer(serializeFrame('MESSAGE', { destination: '/t' }, body, '1.2', true), '1.2');
      expect(text.headers[BODY_REPLACED_HEADER]).toBeUndefined();
    });
  });

  describe('renderPrefixed (the deliveries of a session, from its cached subscription prefix)', () => {
    it.each(VERSIONS)('is byte-identical to render under %s, with and without the ack header', (version) => {
      const template = new MessageFrameTemplate(shared, body);
      for (const sub of ['sub-0', 'sub:1\\x\ny']) {
        const prefix = messagePrefix(sub, version);
        expect(template.renderPrefixed(prefix, '42', version, false, false).equals(template.render(sub, '42', version))).toBe(true);
        expect(
          template.renderPrefixed(prefix, '1234567', version, true, false).equals(template.render(sub, '1234567', version, '1234567')),
        ).toBe(true);
      }
    });

    it('renders as renderText for a text-only transport and as render otherwise', () => {
      const invalid = Buffer.from([0x61, 0xff, 0x0a, 0x00, 0xc3]);
      const template = new MessageFrameTemplate(shared, invalid);
      const prefix = messagePrefix('s', '1.2');
      expect(template.renderPrefixed(prefix, '7', '1.2', true, true).equals(template.renderText('s', '7', '1.2', '7'))).toBe(true);
      expect(template.renderPrefixed(prefix, '7', '1.2', false, false).equals(template.render('s', '7', '1.2'))).toBe(true);
      const [frame] = parseServer(template.renderPrefixed(prefix, '7', '1.2', false, true), '1.2');
      expect(frame.headers[BODY_REPLACED_HEADER]).toBe('utf8');
    });
  });

  describe('renderShared (a broadcast to subscribers without an ack header)', () => {
    it.each(VERSIONS)('is one Buffer per subscription id under %s, equal to render with the message-id of the message', (version) => {
      const template = new MessageFrameTemplate(shared, body, true);
      const id = template.fanOutMessageId;
      const first = template.renderShared('sub-0', version, false);
      expect(template.renderShared('sub-0', version, false)).toBe(first);
      expect(template.renderShared('sub-0', version, true)).toBe(first);
      expect(first.equals(template.render('sub-0', id, version))).toBe(true);
      const other = template.renderShared('sub:1\\x\ny', version, false);
      expect(other).not.toBe(first);
      expect(other.equals(template.render('sub:1\\x\ny', id, version))).toBe(true);
      expect(template.fanOutMessageId).toBe(id);
    });

    it('gives each message its own id, never one a session counts (digits only)', () => {
      const ids = Array.from({ length: 3 }, () => new MessageFrameTemplate(shared, body, true).fanOutMessageId);
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(id).not.toMatch(/^\d+$/);
    });

    it('keeps the versions apart, and replaces a body that is not UTF-8 for text-only transports under the same id', () => {
      const invalid = Buffer.from([0x61, 0xff, 0x0a, 0x00, 0xc3]);
      const template = new MessageFrameTemplate({ ...shared, x: 'a:b' }, invalid, true);
      expect(template.renderShared('s', '1.0', false).equals(template.renderShared('s', '1.2', false))).toBe(false);
      const text = template.renderShared('s', '1.2', true);
      expect(template.renderShared('s', '1.2', true)).toBe(text);
      expect(text.equals(template.renderText('s', template.fanOutMessageId, '1.2'))).toBe(true);
      const [frame] = parseServer(text, '1.2');
      expect(frame.headers['message-id']).toBe(template.fanOutMessageId);
      expect(frame.headers[BODY_REPLACED_HEADER]).toBe('utf8');
    });

    it('stops keeping frames past a bound on distinct subscription ids, rendering them alike', () => {
      const template = new MessageFrameTemplate(shared, body, true);
      for (let i = 0; i < 64; i++) template.renderShared(`s${i}`, '1.2', false);
      const late = template.renderShared('late', '1.2', false);
      template.renderShared('later', '1.2', false);
      const again = template.renderShared('late', '1.2', false);
      expect(again).not.toBe(late);
      expect(again.equals(late)).toBe(true);
      expect(template.renderShared('s0', '1.2', false)).toBe(template.renderShared('s0', '1.2', false));
    });
  });

  it('travels as binary when declared octet-stream or when the body is not UTF-8, as text otherwise', () => {
    expect(new MessageFrameTemplate({ 'content-type': 'text/plain' }, Buffer.from('é')).binary).toBe(false);
    expect(new MessageFrameTemplate({}, Buffer.alloc(0)).binary).toBe(false);
    expect(new MessageFrameTemplate({ 'content-type': 'application/octet-stream' }, Buffer.from('a')).binary).toBe(true);
    expect(new MessageFrameTemplate({ 'content-type': 'text/plain' }, Buffer.from([0x61, 0xff])).binary).toBe(true);
    expect(new MessageFrameTemplate({}, Buffer.from([0xc3])).binary).toBe(true);
  });
});
