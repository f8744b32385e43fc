// Wires the page: configuration from the server, login, the STOMP connection, transport picker, status line.

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

picker.value = new URLSearchParams(location.search).get('transport') ?? '';
picker.addEventListener('change', () => {
  const url = new URL(location.href);
  if (picker.value) url.searchParams.set('transport', picker.value);
  else url.searchParams.delete('transport');
  history.replaceState(null, '', url);
  if (connection && !connection.refused) void connect(connection.user ?? sessionStorage.getItem(NAME_KEY));
});

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  loginError.textContent = '';
  void connect(loginName.value);
});

document.getElementById('logout').addEventListener('click', async () => {
  sessionStorage.removeItem(NAME_KEY);
  await connection?.stop();
  connection = undefined;
  chat.reset();
  showStatus({ state: 'idle' });
  document.getElementById('me').hidden = true;
  document.body.dataset.state = 'login';
  loginName.focus();
});

startClock();
const remembered = sessionStorage.getItem(NAME_KEY);
if (remembered) void connect(remembered);
else if (!loginName.value) loginName.value = suggestName();

async function connect(name) {
  const config = await ready.catch(() => undefined);
  if (!config) return toast('Cannot reach the server: reload the page to try again');
  await connection?.stop();
  connection = new Connection({
    endpoint: config.endpoint,
    name,
    transport: picker.value || undefined,
    onState: showStatus,
    onConnected: (c) => {
      sessionStorage.setItem(NAME_KEY, c.user);
      document.body.dataset.state = 'app';
      showMe(c.user);
      dashboard.attach(c, config.appPrefix);
      chat.attach(c, c.user, config.appPrefix);
    },
    onRefused: (message) => {
      sessionStorage.removeItem(NAME_KEY);
      showStatus({ state: 'error' });
      document.body.dataset.state = 'login';
      loginError.textContent = message;
      loginName.value = name;
      loginName.focus();
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
  document.getElementById('me').hidden = false;
  document.getElementById('me-name').textContent = name;
  document.getElementById('me-avatar').replaceWith(Object.assign(avatar(name), { id: 'me-avatar' }));
}

function suggestName() {
  const names = ['satoshi', 'ada', 'grace', 'linus', 'hal', 'nick', 'vitalik', 'alan'];
  return `${names[Math.floor(Math.random() * names.length)]}-${Math.floor(100 + Math.random() * 900)}`;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { src, onload: resolve, onerror: () => reject(new Error(`Could not load ${src}`)) });
    document.head.append(script);
  });
}
