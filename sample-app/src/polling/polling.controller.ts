import { BadRequestException, Controller, Get, GoneException, Inject, Query, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Response } from 'express';
import { ChainSimulator } from '../chain/chain.simulator.js';
import type { DashboardSnapshot } from '../chain/chain.model.js';
import { DashboardFeed, type DashboardUpdate } from '../chain/dashboard.feed.js';
import { pollingConfig } from './polling.config.js';
import { waitForUpdates } from './update.waiter.js';

/** What the update endpoints answer: the updates after `since`, and the number to send next time. */
export interface UpdatesResponse {
  seq: number;
  updates: DashboardUpdate[];
}

/**
 * The same dashboard over plain HTTP, as the original write-up's "before WebSocket" section
 * describes: polling (`GET` every second, `setInterval` + AJAX) and long polling (a request held
 * until there is news, then the next request). Start from the snapshot, then ask for what came
 * after its `seq`.
 */
@Controller('api/dashboard')
export class PollingController {
  constructor(
    private readonly chain: ChainSimulator,
    private readonly feed: DashboardFeed,
    @Inject(pollingConfig.KEY) private readonly config: ConfigType<typeof pollingConfig>,
  ) {}

  /** The whole dashboard now, numbered: what a naive poller fetches every second. */
  @Get()
  snapshot(): DashboardSnapshot & { seq: number } {
    return { seq: this.feed.lastSeq, ...this.chain.snapshot() };
  }

  /** Polling: the updates after `since`, answered at once (often empty). */
  @Get('updates')
  updates(@Query('since') since: string | undefined): UpdatesResponse {
    return answer(this.kept(this.feed.after(parseSince(since))), this.feed.lastSeq);
  }

  /**
   * Long polling: held open until there is an update after `since`, then answered with them;
   * 204 when nothing happened within the timeout (the client simply asks again).
   */
  @Get('long-poll')
  async longPoll(@Query('since') since: string | undefined, @Res() response: Response): Promise<void> {
    const after = parseSince(since);
    const clientGone = new AbortController();
    const abort = (): void => clientGone.abort();
    response.once('close', abort);
    try {
      const updates = this.kept(await waitForUpdates(this.feed, after, this.config.longPollTimeoutMs, clientGone.signal));
      if (clientGone.signal.aborted) return;
      if (updates.length === 0) response.status(204).end();
      else response.json(answer(updates, this.feed.lastSeq));
    } finally {
      response.off('close', abort);
    }
  }

  private kept(updates: DashboardUpdate[] | undefined): DashboardUpdate[] {
    if (updates === undefined)
      throw new GoneException('Those updates are no longer kept: GET /api/dashboard again and continue from its seq');
    return updates;
  }
}

/**
 * `seq` is that of the last update in the answer: one chain tick publishes several updates, and the
 * waiter may have answered before the tick ended, so the feed's newest seq could skip some.
 */
function answer(updates: DashboardUpdate[], lastSeq: number): UpdatesResponse {
  return { seq: updates.at(-1)?.seq ?? lastSeq, updates };
}

function parseSince(since: string | undefined): number {
  if (since === undefined || !/^\d+$/.test(since))
    throw new BadRequestException('since must be the seq of the last update seen (a non-negative integer)');
  return Number(since);
}
