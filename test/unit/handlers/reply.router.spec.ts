import { describe, expect, it } from '@jest/globals';
import { DestinationMatcher } from '../../../lib/engine/broker/destination.matcher.js';
import type { SimpMessagingTemplate } from '../../../lib/engine/messaging/simp-messaging.template.js';
import type { OutboundPath } from '../../../lib/engine/outbound/outbound.path.js';
import { joinDestination, ReplyRouter } from '../../../lib/nest/replies/reply.router.js';

const router = (prefix = '/topic/') =>
  new ReplyRouter({} as SimpMessagingTemplate, {} as OutboundPath, new DestinationMatcher('/'), prefix);

describe('joinDestination', () => {
  it('joins with exactly one slash', () => {
    expect(joinDestination('/topic/', '/greeting')).toBe('/topic/greeting');
    expect(joinDestination('/topic', '/greeting')).toBe('/topic/greeting');
    expect(joinDestination('/topic', 'chat.send')).toBe('/topic/chat.send');
  });
});

describe('ReplyRouter.targets', () => {
  it('defaults @SendTo to the first broker prefix plus the destination, @SendToUser to /queue plus it', () => {
    expect(router().targets({ sendTo: [] }, '/greeting')).toEqual({ sendTo: ['/topic/greeting'], user: [] });
    expect(router('/exchange/').targets({ sendToUser: { destinations: [], broadcast: true } }, '/greeting')).toEqual({
      sendTo: [],
      user: ['/queue/greeting'],
    });
  });

  it('keeps explicit destinations, both kinds together', () => {
    const plan = { sendTo: ['/topic/a', '/topic/{id}'], sendToUser: { destinations: ['/queue/b'], broadcast: false } };
    expect(router().targets(plan, '/x')).toEqual({ sendTo: ['/topic/a', '/topic/{id}'], user: ['/queue/b'] });
  });

  it('names nothing for a direct subscribe reply', () => {
    expect(router().targets({ direct: true }, '/snapshot')).toEqual({ sendTo: [], user: [] });
  });
});
