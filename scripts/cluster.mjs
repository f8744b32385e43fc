// `npm run cluster -- 3`: N processes of the built sample on RabbitMQ through the relay, and nginx in front of
// them with deploy/nginx-cluster.conf. Options: `--port=8080` (nginx), `--first-node-port=3001`. The relay
// settings come from STOMP_RELAY_HOST (default 127.0.0.1), STOMP_RELAY_PORT, _LOGIN, _PASSCODE, _VHOST.
// Ctrl-C stops everything. nginx runs from a temporary prefix (its pid, temp files and config), in the
// foreground, so it needs no root and leaves nothing behind.
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLUSTER_NGINX_CONF = join(ROOT, 'deploy', 'nginx-cluster.conf');
export const SAMPLE_MAIN = join(ROOT, 'sample-app', 'dist', 'sample-app', 'src', 'main.js');

/** deploy/nginx-cluster.conf with its upstream listing `ports` and nginx listening on 127.0.0.1:`listenPort`. */
export function clusterNginxConf(ports, listenPort, template = readFileSync(CLUSTER_NGINX_CONF, 'utf8')) {
  const servers = template.match(/^ {4}server 127\.0\.0\.1:\d+ (.*);$/gm);
  if (!servers || servers.length === 0) throw new Error(`no 'server 127.0.0.1:<port> ...;' line in ${CLUSTER_NGINX_CONF}`);
  const flags = servers[0].replace(/^ {4}server 127\.0\.0\.1:\d+ /, '').replace(/;$/, '');
  const upstream = ports.map((port) => `    server 127.0.0.1:${port} ${flags};`).join('\n');
  const lines = template.split('\n');
  const first = lines.indexOf(servers[0]);
  lines.splice(first, servers.length, upstream);
  const conf = lines.join('\n');
  if (conf.split('listen 8080;').length !== 2) throw new Error(`expected one 'listen 8080;' in ${CLUSTER_NGINX_CONF}`);
  return conf.replace('listen 8080;', `listen 127.0.0.1:${listenPort};`);
}

/** The nginx binary (Debian keeps it in /usr/sbin). */
export function findNginx() {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin']) {
    try {
      accessSync(join(dir, 'nginx'), constants.X_OK);
      return join(dir, 'nginx');
    } catch {
      // not here
    }
  }
  throw new Error("nginx not found: install it with 'apt-get update && apt-get install -y nginx'");
}

/**
 * Starts nginx in the foreground with `httpConf` inside http {}, from a fresh temporary prefix.
 * Returns the child and a cleanup that removes the prefix.
 */
export function spawnNginx(httpConf, stdio = ['ignore', 'inherit', 'inherit']) {
  const prefix = mkdtempSync(join(tmpdir(), 'nestjs-stomp-cluster-nginx-'));
  chmodSync(prefix, 0o755); // started as root, the workers run as nobody and create their temp dirs here
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(prefix, kind)};`);
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    ['worker_processes 1;', 'events { worker_connections 1024; }', 'http {', '  access_log off;', ...temp, httpConf, '}'].join('\n'),
  );
  const child = spawn(findNginx(), ['-p', prefix, '-c', conf, '-g', `daemon off; pid ${join(prefix, 'nginx.pid')}; error_log stderr;`], {
    stdio,
  });
  return { child, cleanup: () => rmSync(prefix, { recursive: true, force: true }) };
}

/** A node listening on `port`: the relay on (127.0.0.1 unless STOMP_RELAY_HOST says otherwise), the rest from the caller. */
export function nodeEnv(port, env = process.env) {
  return { ...env, PORT: String(port), HOST: '127.0.0.1', STOMP_RELAY_HOST: env.STOMP_RELAY_HOST || '127.0.0.1' };
}

async function main() {
  const args = process.argv.slice(2);
  const count = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 3);
  const option = (name, fallback) => Number(args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const listenPort = option('port', 8080);
  const firstPort = option('first-node-port', 3001);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`usage: npm run cluster -- <number of nodes> [--port=8080] [--first-node-port=3001]`);
  const ports = Array.from({ length: count }, (_, i) => firstPort + i);
  const children = ports.map((port) => {
    const child = spawn(process.execPath, [SAMPLE_MAIN], { env: nodeEnv(port), stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk) => process.stdout.write(chunk.toString().replace(/^(?=.)/gm, `[node :${port}] `)));
    return child;
  });
  const nginx = spawnNginx(clusterNginxConf(ports, listenPort));
  children.push(nginx.child);
  console.log(
    `nginx on http://127.0.0.1:${listenPort}/ in front of ${ports.map((port) => `127.0.0.1:${port}`).join(', ')}; Ctrl-C stops all`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  nginx.child.on('exit', (code) => {
    if (!stopping) console.error(`nginx exited (${code}); stopping the nodes`);
    stop();
    nginx.cleanup(); // once nginx is gone: it writes its pid file and temp files there until then
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
