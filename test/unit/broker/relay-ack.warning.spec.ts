import { describe, expect, it } from '@jest/globals';
import { DestinationMatcher } from '../../../lib/engine/broker/destination.matcher.js';
import { StompBrokerRelay } from '../../../lib/engine/broker/relay/broker.relay.js';
import { RELAY_DEFAULTS } from '../../../lib/engine/options/stomp.defaults.js';

/** The relay shares one auto-acknowledged broker subscription per destination: a client-ack SUBSCRIBE must not believe otherwise in silence. */
describe('relay and client acknowledgements', () => {
  it('warns once per process when a subscription asks for client acks, which the relay cannot honour', () => {
    const warnings: string[] = [];
    // Never started: the warning is about the subscription itself, not the broker's answer.
    const relay = new StompBrokerRelay(RELAY_DEFAULTS, new DestinationMatcher(), { deliverUserMessage: () => undefined }, undefined, (m) =>
      warnings.push(m),
    );
    const session = { id: 's1', deliver: () => undefined };
    relay.subscribe(session, 'a', '/topic/prices', 'auto');
    expect(warnings).toEqual([]);
    relay.subscribe(session, 'b', '/queue/work', 'client-individual');
    relay.subscribe(session, 'c', '/queue/other', 'client');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/'\/queue\/work' subscribed with ack:client-individual.*no competing consumers/);
    relay.close();
  });
});
