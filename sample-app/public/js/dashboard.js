// The dashboard: supply figures, the TPS chart, the latest blocks and transactions.

import { clock, decimal, el, integer, relativeTime, shortHash } from './format.js';
import { createLineChart } from './line-chart.js';

const SHOWN_BLOCKS = 10;
const SHOWN_TRANSACTIONS = 10;
const CHART_POINTS = 60;

export class Dashboard {
  constructor() {
    this.blocks = document.getElementById('blocks');
    this.transactions = document.getElementById('transactions');
    this.seenBlocks = new Set();
    this.seenTransactions = new Set();
    this.chartTimes = [];
    this.chartValues = [];
    this.chart = this.createChart(document.getElementById('tps-chart'));
  }

  /**
   * Called on every (re)connect. A new connection subscribes to the three topics of the original page
   * (resumable: the server keeps their history), then asks /dap/dashboard for the state so far. A
   * reconnect of the same one has nothing to do: the helper has subscribed again from the last message
   * of each topic, and what was published meanwhile arrives in order. Unless a topic cannot resume (it had
   * heard nothing yet, or the snapshot asked for was lost with the connection) or the resume reports a
   * gap (a restarted server: a new chain and a new history, which merged with the old would zig-zag): then
   * the page starts afresh from the snapshot.
   */
  attach(connection, appPrefix) {
    if (this.connection === connection) {
      // Nothing was lost there (no gap): the snapshot only fills in, so what is shown stays shown.
      if (this.reloading || this.streams.some((stream) => !stream.position)) this.reload(true, false);
      return;
    }
    this.connection = connection;
    this.appPrefix = appPrefix;
    const reload = () => this.reload();
    this.streams = [
      connection.resume(
        '/topic/blockInfo',
        (block) => {
          this.addBlock(block, true);
          bump('liveBlocks');
        },
        reload,
      ),
      connection.resume('/topic/tranInfo', (transaction) => this.addTransaction(transaction, true), reload),
      connection.resume(
        '/topic/supply',
        (supply) => {
          this.showSupply(supply);
          this.addTpsPoint(supply.time, supply.tps);
          bump('supplyUpdates');
        },
        reload,
      ),
    ];
    this.reload(true);
  }

  /**
   * Empties the page and asks for the snapshot, once for however many topics report a gap: the resumes
   * are all sent before it, so every gap of one reconnect is told before the snapshot's answer.
   */
  reload(again = false, fresh = true) {
    if (this.reloading && !again) return;
    const mine = (this.reloading = this.reloads = (this.reloads ?? 0) + 1);
    if (fresh) this.reset();
    this.connection.fetchOnce(`${this.appPrefix}/dashboard`, (snapshot) => {
      if (this.reloading !== mine) return;
      this.reloading = undefined;
      this.showSnapshot(snapshot);
      bump('snapshots');
    });
  }

  reset() {
    this.blocks.replaceChildren();
    this.transactions.replaceChildren();
    this.seenBlocks.clear();
    this.seenTransactions.clear();
    this.supplyTime = undefined;
    this.chartTimes = [];
    this.chartValues = [];
    this.chart.setData([this.chartTimes, this.chartValues]);
  }

  showSnapshot({ blocks, transactions, supply, tpsHistory }) {
    for (const block of [...blocks].reverse()) this.addBlock(block, false);
    for (const transaction of [...transactions].reverse()) this.addTransaction(transaction, false);
    this.showSupply(supply);
    // Live points of this session may have come before the snapshot.
    const points = new Map(this.chartTimes.map((time, i) => [time, this.chartValues[i]]));
    for (const point of tpsHistory) points.set(point.time / 1000, point.tps);
    const merged = [...points].sort((a, b) => a[0] - b[0]).slice(-CHART_POINTS);
    this.chartTimes = merged.map(([time]) => time);
    this.chartValues = merged.map(([, tps]) => tps);
    this.chart.setData([this.chartTimes, this.chartValues]);
  }

  addBlock(block, live) {
    if (this.seenBlocks.has(block.height)) return;
    // Older than all of a full list (a snapshot filling in): it would be dropped as soon as inserted.
    const oldest = this.blocks.lastElementChild;
    if (this.blocks.children.length >= SHOWN_BLOCKS && oldest && block.height < Number(oldest.dataset.height)) return;
    this.seenBlocks.add(block.height);
    const item = el(
      'li',
      { class: live ? 'new' : undefined, dataset: { height: block.height } },
      el('span', { class: 'badge block' }, 'BLK'),
      el(
        'div',
        { class: 'main' },
        el('span', { class: 'title' }, `#${integer(block.height)}`),
        el('span', { class: 'sub' }, el('span', { class: 'hash', title: block.hash }, shortHash(block.hash, 10, 6)), ` · ${block.miner}`),
      ),
      el('div', { class: 'side' }, el('b', {}, `${block.transactionCount} txs`), relativeTime(block.time)),
    );
    insertSorted(this.blocks, item, (node) => Number(node.dataset.height) < block.height, SHOWN_BLOCKS, this.seenBlocks, 'height');
  }

  addTransaction(transaction, live) {
    if (this.seenTransactions.has(transaction.hash)) return;
    this.seenTransactions.add(transaction.hash);
    const item = el(
      'li',
      { class: live ? 'new' : undefined, dataset: { hash: transaction.hash, time: transaction.time } },
      el('span', { class: 'badge tx' }, 'TX'),
      el(
        'div',
        { class: 'main' },
        el('span', { class: 'title hash', title: transaction.hash }, shortHash(transaction.hash, 10, 6)),
        el('span', { class: 'sub' }, `${shortHash(transaction.from)} → ${shortHash(transaction.to)}`),
      ),
      el('div', { class: 'side' }, el('b', {}, `${decimal(transaction.amount, 2)} DAP`), relativeTime(transaction.time)),
    );
    insertSorted(
      this.transactions,
      item,
      (node) => Number(node.dataset.time) <= transaction.time,
      SHOWN_TRANSACTIONS,
      this.seenTransactions,
      'hash',
    );
  }

  showSupply(supply) {
    // The snapshot may arrive after a newer live update: never go back in time.
    if (supply.time < (this.supplyTime ?? 0)) return;
    this.supplyTime = supply.time;
    setText('stat-height', `#${integer(supply.blockHeight)}`);
    setText('stat-block-time', `avg block time ${decimal(supply.averageBlockTimeMs / 1000, 1)} s`);
    setText('stat-supply', decimal(supply.circulatingSupply, 1));
    const share = (100 * supply.circulatingSupply) / supply.maxSupply;
    document.getElementById('stat-supply-bar').style.width = `${share}%`;
    setText('stat-supply-share', `${decimal(share, 2)}% of ${integer(supply.maxSupply)} max`);
    setText('stat-tps', decimal(supply.tps, 1));
    setText('stat-pending', `${integer(supply.pendingTransactions)} pending`);
    setText('stat-total', integer(supply.totalTransactions));
    setText('stat-updated', `updated ${clock(supply.time)}`);
  }

  addTpsPoint(time, tps) {
    // Replayed points a snapshot already had.
    if (time / 1000 <= (this.chartTimes.at(-1) ?? -Infinity)) return;
    this.chartTimes.push(time / 1000);
    this.chartValues.push(tps);
    if (this.chartTimes.length > CHART_POINTS) {
      this.chartTimes.shift();
      this.chartValues.shift();
    }
    this.chart.setData([this.chartTimes, this.chartValues]);
  }

  createChart(container) {
    return createLineChart(
      container,
      {
        label: 'TPS',
        stroke: '#4f46e5',
        fill: 'rgba(79, 70, 229, 0.10)',
        value: (_u, v) => (v == null ? '–' : decimal(v, 1)),
      },
      { cursor: { points: { size: 7 } } },
    );
  }
}

/** Inserts `item` before the first node `isOlder` accepts, keeps at most `max` items, and forgets what falls off. */
function insertSorted(list, item, isOlder, max, seen, key) {
  const before = [...list.children].find(isOlder);
  list.insertBefore(item, before ?? null);
  while (list.children.length > max) {
    const dropped = list.lastElementChild;
    seen.delete(key === 'height' ? Number(dropped.dataset.height) : dropped.dataset.hash);
    dropped.remove();
  }
}

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

/** Counters on <body data-…> that say what the page has received (handy for tests and for curious users). */
function bump(name) {
  document.body.dataset[name] = String(Number(document.body.dataset[name] ?? 0) + 1);
}
