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
    return this.separator === '/' ? parts : [parts[0], ...parts.slice(1).join('/').split('.')].filter((p) => p !== '');
  }
}

/** Characters RabbitMQ's topic words cannot carry literally. */
function encodeWord(word: string): string {
  return /[.*#%]/.test(word) ? word.replace(/[.*#%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : word;
}
