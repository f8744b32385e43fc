import { describe, expect, it } from '@jest/globals';
import { MessageFrameTemplate } from '../../../lib/engine/protocol/frame.serializer.js';
import { DeliveryFrames } from '../../../lib/engine/session/delivery.frames.js';

const template = new MessageFrameTemplate({ destination: '/topic/t', 'content-type': 'text/plain' }, Buffer.from('hi'));

describe('DeliveryFrames', () => {
  it('renders what the template renders for each subscription, the ack header only under 1.2 and not in auto mode', () => {
    const subscriptions = new Map([
      ['a', {}],
      ['b:c', {}],
    ]);
    const v12 = new DeliveryFrames('1.2', false, subscriptions);
    for (let i = 0; i < 3; i++) {
      expect(v12.render(template, 'a', String(i), 'auto').equals(template.render('a', String(i), '1.2'))).toBe(true);
      expect(v12.render(template, 'b:c', String(i), 'client').equals(template.render('b:c', String(i), '1.2', String(i)))).toBe(true);
    }
    const v11 = new DeliveryFrames('1.1', false, subscriptions);
    expect(v11.render(template, 'b:c', '5', 'client-individual').equals(template.render('b:c', '5', '1.1'))).toBe(true);
  });

  it('keeps no prefix for ids that are no longer subscribed', () => {
    const subscriptions = new Map([['live', {}]]);
    const frames = new DeliveryFrames('1.2', false, subscriptions);
    frames.render(template, 'live', '1', 'auto');
    for (let i = 0; i < 100; i++) frames.render(template, `gone-${i}`, '1', 'auto');
    const held = (frames as unknown as { prefixes: Map<string, Buffer> }).prefixes;
    expect(held.size).toBeLessThanOrEqual(subscriptions.size + 1);
    frames.forget('live');
    expect(held.has('live')).toBe(false);
    expect(frames.render(template, 'live', '2', 'auto').equals(template.render('live', '2', '1.2'))).toBe(true);
  });
});
