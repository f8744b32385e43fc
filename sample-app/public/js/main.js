// Wires the page: configuration from the server, the STOMP connection (guest or named), transport picker, status line.

import { Chat } from './chat.js';
import { Connection } from './connection.js';
import { Dashboard } from './dashboard.js';
import { avatar, startClock, toast } from './format.js';

const NAME_KEY = 'dap-explorer.name';
// Where to connect, then sockjs-client as the STOMP endpoint serves it (also what its iframe transports
// load): no CDN. Everything below is wired at once, so nothing typed or clicked meanwhile is lost.
const ready = fetch('/api/config')
  .then((response) => response.json())
  .then(async (config) => {
    await loadScript(`${config.endpoint}/sockjs-client.min.js`);
    return config;
  });

const dashboard = new Dashboard();
const chat = new Chat();
const picker = document.getElementById('transport-picker');
const loginForm = document.getElementById('login-form');
const loginName = document.getElementById('login-name');
const loginError = document.getElementById('login-error');
let connection;
// Every connect() bumps it: an older call still waiting for the configuration gives way to the newer one.
let attempt = 0;

picker.value = new URLSearchParams(location.search).get('transport') ?? '';
picker.addEventListener('change', () => {
  const url = new URL(location.href);
  if (picker.value) url.searchParams.set('transport', picker.value);
  else url.searchParams.delete('transport');
  history.replaceState(null, '', url);
  void connect(connection?.name, connection?.resuming);
});

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  loginError.textContent = '';
  void connect(loginName.value);
});

document.getElementById('logout').addEventListener('click', () => {
  sessionStorage.removeItem(NAME_KEY);
  void connect(undefined);
});

startClock();
loginName.value = suggestName();
// The dashboard is public, as in the original: a visitor connects at once, as a guest unless this tab had
// a name (a reload: the session of the page before may still hold it for a few seconds).
const remembered = sessionStorage.getItem(NAME_KEY) ?? undefined;
void connect(remembered, remembered !== undefined);

/** Connects as `name`, or as a guest (no `login` header) when it is undefined; `resuming`: the name was this tab's already. */
async function connect(name, resuming = false) {
  const mine = ++attempt;
  const config = await ready.catch(() => undefined);
  if (mine !== attempt) return;
  if (!config) return toast('Cannot reach the server: reload the page to try again');
  await connection?.stop();
  if (mine !== attempt) return;
  connection = new Connection({
    endpoint: config.endpoint,
    name,
    transport: picker.value || undefined,
    resuming,
    onState: showStatus,
    onConnected: (c) => {
      const me = name === undefined ? undefined : c.user;
      if (me) sessionStorage.setItem(NAME_KEY, me);
      document.body.dataset.state = me ? 'named' : 'guest';
      showMe(me);
      dashboard.attach(c, config.appPrefix);
      chat.attach(c, me, config.appPrefix);
    },
    onRefused: (message) => {
      sessionStorage.removeItem(NAME_KEY);
      loginError.textContent = message;
      loginName.value = name ?? '';
      // A refused name costs only the chat: back to a guest session, so the dashboard goes on.
      if (name !== undefined) void connect(undefined);
      else showStatus({ state: 'error' });
    },
    onServerError: (message) => toast(message),
  });
  connection.start();
}

function showStatus(c) {
  const status = document.getElementById('status');
  const text = document.getElementById('status-text');
  const transport = document.getElementById('transport');
  const banner = document.getElementById('banner');
  status.dataset.state = c.state;
  banner.hidden = c.state !== 'reconnecting';
  transport.textContent = c.state === 'connected' ? c.transport : '–';
  if (c.state === 'connected') text.textContent = `Connected · STOMP ${c.version}`;
  else if (c.state === 'connecting') text.textContent = 'Connecting…';
  else if (c.state === 'reconnecting') {
    text.textContent = `Reconnecting (attempt ${c.attempts})…`;
    document.getElementById('banner-text').textContent = `Connection lost. Reconnecting (attempt ${c.attempts})…`;
  } else if (c.state === 'error') text.textContent = 'Refused';
  else text.textContent = 'Not connected';
}

function showMe(name) {
  document.getElementById('me').hidden = name === undefined;
  if (name === undefined) return;
  document.getElementById('me-name').textContent = name;
  document.getElementById('me-avatar').replaceWith(Object.assign(avatar(name), { id: 'me-avatar' }));
}

function suggestName() {
  const names = ['satoshi', 'ada', 'grace', 'linus', 'hal', 'nick', 'vitalik', 'alan'];
  return `${names[Math.floor(Math.random() * names.length)]}-${Math.floor(100 + Math.random() * 900)}`;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), {
      src,
      onload: resolve,
      onerror: () => reject(new Error(`Could not load ${src}`)),
    });
    document.head.append(script);
  });
}
