import type { Block, DashboardTopic, SupplyStats, Transaction } from '../chain.model.js';
import { BrokerLink, type BrokerAddress, type BrokerConnection, type BrokerFrame } from './broker.connection.js';

/** A dashboard update as the leader pushed it. */
export type FollowedUpdate =
  { topic: 'blockInfo'; payload: Block } | { topic: 'tranInfo'; payload: Transaction } | { topic: 'supply'; payload: SupplyStats };

const TOPICS: DashboardTopic[] = ['blockInfo', 'tranInfo', 'supply'];
const RECONNECT_MS = 1000;

/**
 * Follows the chain the leader publishes, straight from RabbitMQ on a connection of its own: the
 * dashboard topics as the relay maps them (`/topic/blockInfo` ⇄ RabbitMQ `/topic/topic.blockInfo`, see
 * the README's relay section). Every node follows while standby, so whichever leads next has the last
 * block and continues the chain from it, and a page that connects to any node gets the same snapshot.
 */
export class ChainFollower extends BrokerLink {
  private heardChain: (() => void) | undefined;
  /** Resolves at the first statistics from a leader: from then on this node knows the chain's height and supply. */
  readonly heard = new Promise<void>((resolve) => (this.heardChain = resolve));

  constructor(
    address: BrokerAddress,
    private readonly onUpdate: (update: FollowedUpdate) => void,
  ) {
    super(address, RECONNECT_MS);
  }

  protected attempt(connection: Pick<BrokerConnection, 'write'>): (frame: BrokerFrame) => void {
    return (frame) => {
      if (frame.command === 'CONNECTED') {
        TOPICS.forEach((topic, id) => connection.write('SUBSCRIBE', { id: String(id), destination: `/topic/topic.${topic}` }));
      } else if (frame.command === 'MESSAGE') {
        const topic = TOPICS[Number(frame.headers.subscription)];
        if (topic === undefined) return;
        const payload = parsed(frame.body);
        if (payload === undefined) return;
        this.onUpdate({ topic, payload } as FollowedUpdate);
        if (topic === 'supply') this.heardChain?.();
      }
    };
  }
}

/** The leader sends JSON; anything else on these topics (another RabbitMQ client's) is not the chain. */
function parsed(body: string): unknown {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
