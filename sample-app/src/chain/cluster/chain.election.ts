import { BrokerLink, type BrokerAddress, type BrokerConnection, type BrokerFrame } from './broker.connection.js';

/**
 * The queue whose holder publishes the chain. RabbitMQ lets one connection at a time hold an exclusive
 * queue and deletes it the moment that connection closes, a `kill -9` included (the kernel closes the
 * socket): a lease with no clock, no new infrastructure, and nothing left on the broker once the nodes stop.
 */
export const LEADER_QUEUE = '/queue/nestjs-stomp-sample.chain.leader';

/** A standby node asks for the queue again this often. */
export const ELECTION_RETRY_MS = 500;

/**
 * Leader election through one exclusive RabbitMQ queue. Each node SUBSCRIBEs to it with `exclusive:true`
 * on a connection of its own; the broker's RECEIPT makes the node leader, RabbitMQ's `RESOURCE_LOCKED`
 * ERROR (which also closes that connection) leaves it standby until the next try. A leader that loses its
 * connection stops leading at once, before anyone else can get the queue.
 */
export class ChainElection extends BrokerLink {
  private isLeading = false;

  constructor(
    address: BrokerAddress,
    private readonly onChange: (leading: boolean) => void,
  ) {
    super(address, ELECTION_RETRY_MS);
  }

  get leading(): boolean {
    return this.isLeading;
  }

  protected attempt(connection: Pick<BrokerConnection, 'write'>): (frame: BrokerFrame) => void {
    let refused = false;
    return (frame) => {
      // RabbitMQ answers a refused SUBSCRIBE with ERROR and still sends its RECEIPT after it.
      if (frame.command === 'ERROR') refused = true;
      else if (frame.command === 'CONNECTED') {
        const queue = { destination: LEADER_QUEUE, exclusive: 'true', 'auto-delete': 'true', durable: 'false' };
        connection.write('SUBSCRIBE', { id: 'leader', ack: 'auto', receipt: 'leader', ...queue });
      } else if (frame.command === 'RECEIPT' && !refused) this.lead(true);
    };
  }

  protected override closed(): void {
    this.lead(false);
  }

  private lead(leading: boolean): void {
    if (this.isLeading === leading) return;
    this.isLeading = leading;
    this.onChange(leading);
  }
}
