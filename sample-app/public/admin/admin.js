// The operator page: figures pushed by the server on /topic/admin/stats once a second, over STOMP itself.

/* global StompJs, SockJS */
import { clock } from '/js/format.js';
import { createLineChart } from '/js/line-chart.js';

const HISTORY = 60;
const number = (n) => n.toLocaleString('en-US');

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { src, onload: resolve, onerror: reject });
    document.head.append(script);
  });
}

/** Rows of [label cell, value cell]; an empty list shows `empty`. */
function fillTable(id, rows, empty) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(...(rows.length === 0 ? [row([empty], 'empty')] : rows.map((cells) => row(cells))));
}

function row(cells, className) {
  const tr = document.createElement('tr');
  if (className) tr.className = className;
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell;
    tr.append(td);
  }
  if (cells.length === 1) tr.firstChild.colSpan = 2;
  return tr;
}

const code = (text, className = '') => Object.assign(document.createElement(className ? 'span' : 'code'), { textContent: text, className });
const setText = (id, text) => (document.getElementById(id).textContent = text);

class AdminPage {
  constructor() {
    this.times = [];
    this.values = [];
    this.lastTime = 0;
    this.chart = this.createChart(document.getElementById('chart'));
  }

  /** A point of the snapshot's history or a push, in either order; only the newest one sets the figures. */
  show(stats) {
    const t = stats.time / 1000;
    if (!this.times.includes(t)) {
      const at = this.times.findIndex((time) => time > t);
      const index = at === -1 ? this.times.length : at;
      this.times.splice(index, 0, t);
      this.values.splice(index, 0, stats.deliveriesPerSecond);
      if (this.times.length > HISTORY) {
        this.times.shift();
        this.values.shift();
      }
      this.chart.setData([this.times, this.values]);
    }
    if (stats.time <= this.lastTime) return;
    this.lastTime = stats.time;

    setText('stat-sessions', number(stats.sessions));
    setText('stat-opened', `${number(stats.sessionsOpened)} opened since start`);
    setText('stat-deliveries', number(stats.deliveriesPerSecond));
    setText('stat-delivered', `${number(stats.delivered)} delivered since start`);
    setText('stat-frames', `${number(stats.framesInPerSecond)} / ${number(stats.framesOutPerSecond)}`);
    setText('stat-subscriptions', `${number(stats.subscriptions)} subscriptions`);
    setText('stat-backlog', `${number(stats.inboundBacklogFrames)} frames`);
    setText('stat-dropped', `waiting behind handlers · ${number(stats.droppedMessages)} dropped (drop-oldest)`);

    const transports = Object.entries(stats.sessionsByTransport).sort((a, b) => b[1] - a[1]);
    fillTable(
      'transports',
      transports.map(([name, count]) => [code(name), number(count)]),
      'No sessions',
    );
    fillTable(
      'destinations',
      stats.topDestinations.map((d) => [code(d.destination), number(d.subscribers)]),
      'No subscriptions',
    );
    fillTable(
      'closes',
      stats.recentCloses.map((c) => [`${clock(c.time)} · ${c.user} (${c.transport})`, code(c.reason, 'reason')]),
      'No session closed yet',
    );
    fillTable(
      'queues',
      stats.topQueues.map((q) => [code(q.destination), `${number(q.depth)} · ${number(q.unacked)}`]),
      'No queue holds a message (queues: STOMP_QUEUES)',
    );
    setText('queue-totals', `${number(stats.queued)} waiting · ${number(stats.unacked)} unacknowledged`);
    const totals = Object.entries(stats.closeReasons).map(([reason, count]) => `${reason} ${count}`);
    setText('close-totals', totals.join(' · '));
    document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
  }

  createChart(container) {
    return createLineChart(container, { label: 'deliveries/s', stroke: '#10b981', fill: 'rgba(16, 185, 129, 0.10)' }, { axisSize: 44 });
  }
}

const config = await (await fetch('/api/config')).json();
await loadScript(`${config.endpoint}/sockjs-client.min.js`);
const page = new AdminPage();
const setState = (state, text) => {
  document.getElementById('status').dataset.state = state;
  document.body.dataset.state = state;
  setText('status-text', text);
};
const client = new StompJs.Client({
  webSocketFactory: () => new SockJS(config.endpoint),
  reconnectDelay: 2000,
  heartbeatIncoming: 10000,
  heartbeatOutgoing: 10000,
});
client.onConnect = () => {
  setState('connected', `Connected · ${client.webSocket?.transport ?? 'websocket'}`);
  client.subscribe('/topic/admin/stats', (message) => page.show(JSON.parse(message.body)));
  // The @SubscribeMapping answers once: the subscription has nothing more to carry.
  const snapshot = client.subscribe(`${config.appPrefix}/admin/stats`, (message) => {
    snapshot.unsubscribe();
    for (const stats of JSON.parse(message.body).history) page.show(stats);
  });
};
client.onWebSocketClose = () => setState('reconnecting', 'Reconnecting…');
client.activate();
