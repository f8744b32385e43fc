import { StompProtocolError } from '../../errors/protocol.error.js';
import { CLIENT_MESSAGES } from '../../stomp.messages.js';

/**
 * Maps our destinations onto RabbitMQ's STOMP topics, which allow no `/` inside a name and
 * use `.`-separated words with `*` (one word) and `#` (any words) as wildcards.
 * `/topic/prices/dap` ⇄ `/topic/topic.prices.dap`: every segment becomes a word, the prefix's too.
 * A pattern maps to a RabbitMQ pattern that matches at least as much; the relay re-checks every
 * message against the real pattern locally, so a broader broker-side match costs only bandwidth.
 */
export class RelayDestinationMapper {
  constructor(private readonly separator: string) {}

  toBroker(destination: string): string {
    return `/topic/${this.words(destination).map(encodeWord).join('.')}`;
  }

  /** A `queues` destination: the RabbitMQ queue of the same words, `/queue/work` ⇄ queue `queue.work`. */
  toBrokerQueue(destination: string): string {
    return `/queue/${this.words(destination).map(encodeWord).join('.')}`;
  }

  /** True for the destinations, and patterns, of the reserved first word: only the relay's own traffic is named so. */
  isReserved(destination: string): boolean {
    return this.words(destination)[0] === RESERVED_WORD;
  }

  toBrokerPattern(pattern: string): string {
    const words = this.words(pattern).map((segment) => {
      if (segment === '**') return '#';
      // `*`, `?` and `{var}` inside a segment: the broker can only say "one word".
      if (/[*?{]/.test(segment)) return '*';
      return encodeWord(segment);
    });
    return `/topic/${words.join('.')}`;
  }

  /** The inverse of toBroker, for messages published to RabbitMQ by other clients. */
  fromBroker(brokerDestination: string): string {
    const key = brokerDestination.startsWith('/topic/') ? brokerDestination.slice('/topic/'.length) : brokerDestination;
    const words = key.split('.').map(decodeURIComponent);
    return this.separator === '/' ? `/${words.join('/')}` : `/${words[0]}/${words.slice(1).join('.')}`;
  }

  private words(destination: string): string[] {
    const parts = destination.split('/').filter((p) => p !== '');
    // With '.' destinations ('/topic/price.dap') the prefix is '/'-separated and the rest '.'-separated.
    const words =
      this.separator === '/' ? parts : [parts[0], ...parts.slice(1).join('/').split('.')].filter((p) => p !== undefined && p !== '');
    // RabbitMQ answers '/topic/' with an ERROR: refuse it here, for the sender only.
    if (words.length === 0) throw new StompProtocolError('UNKNOWN_DESTINATION', CLIENT_MESSAGES.nothingToRelay(destination));
    return words;
  }
}

/** The relay's own traffic once lived on `/topic/nestjs-stomp.*`: nodes of that version still listen there. */
const RESERVED_WORD = 'nestjs-stomp';

/** Characters RabbitMQ's topic words cannot carry literally; a '/' there would make RabbitMQ refuse the destination. */
function encodeWord(word: string): string {
  return /[.*#%/]/.test(word) ? word.replace(/[.*#%/]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : word;
}
