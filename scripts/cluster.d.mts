// Types of cluster.mjs (plain JavaScript so `npm run cluster` needs no build of its own), for the cluster e2e.
import type { ChildProcess, StdioOptions } from 'node:child_process';

export const CLUSTER_NGINX_CONF: string;
export const SAMPLE_MAIN: string;
export function clusterNginxConf(ports: number[], listenPort: number, template?: string): string;
export function findNginx(): string;
export function spawnNginx(httpConf: string, stdio?: StdioOptions): { child: ChildProcess; cleanup(): void };
export function nodeEnv(port: number, env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
