import { describe, expect, it, jest } from '@jest/globals';
import {
  resumableSubscriptions,
  type ResumableClient,
  type ResumableMessage,
  type StreamGap,
} from '../../../lib/client/resumable-subscriptions.js';

/** A Client whose server speaks as the relay does: a resume's RECEIPT first, then the replay. */
class RelayLikeClient implements ResumableClient {
  connected = true;
  onConnect: (frame: never) => void = () => undefined;
  readonly subscriptions: Array<{ headers: Record<string, string>; callback: (m: ResumableMessage) => void }> = [];
  readonly receipts = new Map<string, (frame: never) => void>();

  subscribe(_destination: string, callback: (m: ResumableMessage) => void, headers: Record<string, string> = {}) {
    this.subscriptions.push({ headers, callback });
    return { id: String(this.subscriptions.length), unsubscribe: () => undefined };
  }

  watchForReceipt(receiptId: string, callback: (frame: never) => void): void {
    this.receipts.set(receiptId, callback);
  }

  message(offset: number, epoch = 'e1'): ResumableMessage {
    return { headers: { destination: '/topic/t', 'x-stream-offset': String(offset), 'x-stream-epoch': epoch }, body: `m${offset}` };
  }

  latest() {
    return this.subscriptions[this.subscriptions.length - 1];
  }
}

describe('resumableSubscriptions when the RECEIPT comes before the replay (the relay)', () => {
  it('reports no gap and hands no message on twice', () => {
    jest.useFakeTimers();
    const client = new RelayLikeClient();
    const gaps: StreamGap[] = [];
    const seen: string[] = [];
    const subscriptions = resumableSubscriptions(client, { onGap: (gap) => gaps.push(gap) });
    subscriptions.subscribe('/topic/t', (m) => seen.push(m.body));
    for (const offset of [0, 1, 2]) client.latest().callback(client.message(offset));
    client.onConnect(undefined as never);
    const resume = client.latest();
    expect(resume.headers).toMatchObject({ 'x-stream-offset': '2', 'x-stream-epoch': 'e1' });
    client.receipts.get(resume.headers.receipt)!(undefined as never);
    jest.advanceTimersByTime(100);
    for (const offset of [2, 3]) resume.callback(client.message(offset));
    jest.advanceTimersByTime(5000);
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(gaps).toEqual([]);
    jest.useRealTimers();
  });

  it('still reports a history that is gone when nothing comes within receiptGraceMs', () => {
    jest.useFakeTimers();
    const client = new RelayLikeClient();
    const gaps: StreamGap[] = [];
    resumableSubscriptions(client, { onGap: (gap) => gaps.push(gap), receiptGraceMs: 200 }).subscribe('/topic/t', () => undefined);
    client.latest().callback(client.message(0));
    client.onConnect(undefined as never);
    client.receipts.get(client.latest().headers.receipt)!(undefined as never);
    jest.advanceTimersByTime(199);
    expect(gaps).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(gaps).toEqual([{ destination: '/topic/t', missed: 'unknown' }]);
    jest.useRealTimers();
  });
});
