import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One clickhouse-server process started by the harness, on 127.0.0.1 with its own temp directory. */
export interface ClickHouseNode {
  /** HTTP interface, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly dir: string;
  /** Starts the process (again) and waits until it answers SELECT 1. */
  start(): Promise<void>;
  /** Stops the process (SIGKILL with kill=true) and waits for it to exit; keeps its data. */
  stop(kill?: boolean): Promise<void>;
}

/** Servers started by startClickHouse: one node, or the shards of the cluster `cluster`. */
export interface ClickHouseServers {
  readonly nodes: readonly ClickHouseNode[];
  /** The remote_servers cluster naming every node as one shard. */
  readonly cluster: string;
  /** Stops every node and removes their directories. */
  close(): Promise<void>;
}

/** The clickhouse-server executable: Debian's clickhouse-server, or the single `clickhouse` binary. */
export function clickhouseCommand(): [string, string[]] {
  for (const p of ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']) if (existsSync(p)) return [p, []];
  for (const p of ['/usr/bin/clickhouse', '/usr/local/bin/clickhouse']) if (existsSync(p)) return [p, ['server']];
  throw new Error('clickhouse-server is not installed: run scripts/setup-system.sh (installs Debian\'s clickhouse-server)');
}

/** A 127.0.0.1 port nothing listened on when it was chosen (another process may take it before it is bound). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function remoteServers(cluster: string, tcpPorts: readonly number[]): string {
  const shards = tcpPorts.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`).join('');
  return `<remote_servers><${cluster}>${shards}</${cluster}></remote_servers>`;
}

// Small caches, loopback only, nothing that reaches the network (no graphite, no dictionaries, no ZooKeeper).
function configXml(dir: string, http: number, tcp: number, remote: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>0</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <keep_alive_timeout>10</keep_alive_timeout>
  ${remote}
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;

/** The last lines of a node's error log, to show when it does not start (its directory is removed then). */
function errorLogTail(dir: string): string {
  try {
    const lines = readFileSync(join(dir, 'error.log'), 'utf8').trim().split('\n');
    return lines.slice(-5).join('\n') || '(error.log is empty)';
  } catch {
    return '(no error.log)';
  }
}

/**
 * A node could not listen on a port it was given: between freePort() closing its probe socket and
 * clickhouse-server binding, another process (any test's client connection) took the port.
 */
class PortTakenError extends Error {}

async function waitReady(url: string, proc: () => ChildProcess | undefined, dir: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/?query=SELECT%201`, { signal: AbortSignal.timeout(2000) });
      if (res.ok && (await res.text()).trim() === '1') return;
    } catch {
      // not listening yet
    }
    const p = proc();
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) {
      const log = errorLogTail(dir);
      const message = `clickhouse-server exited during start; its error.log ends:\n${log}`;
      throw log.includes('Address already in use') ? new PortTakenError(message) : new Error(message);
    }
    if (Date.now() > until) throw new Error(`clickhouse-server at ${url} did not answer within ${timeoutMs} ms; its error.log ends:\n${errorLogTail(dir)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function node(dir: string, http: number, tcp: number, configPath: string): ClickHouseNode {
  let proc: ChildProcess | undefined;
  const url = `http://127.0.0.1:${http}`;
  return {
    url, httpPort: http, tcpPort: tcp, dir,
    async start() {
      if (proc !== undefined && proc.exitCode === null && proc.signalCode === null) return;
      const [cmd, args] = clickhouseCommand();
      proc = spawn(cmd, [...args, `--config-file=${configPath}`], { cwd: dir, stdio: 'ignore' });
      await waitReady(url, () => proc, dir, 60_000);
    },
    async stop(kill = false) {
      const p = proc;
      if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill(kill ? 'SIGKILL' : 'SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts `count` clickhouse-server processes on free 127.0.0.1 ports, each with a temp directory
 * and a generated config.xml/users.xml whose remote_servers section names all of them as the shards
 * of one cluster; resolves once every one answers SELECT 1. When a port was taken before a node
 * could bind it, all of them start again on new ports (up to three tries in all). pickPort
 * chooses each port (a free one by default).
 */
export async function startClickHouse(count = 1, cluster = 'skein_test', pickPort: () => Promise<number> = freePort): Promise<ClickHouseServers> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(count, cluster, pickPort);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= 3) throw err;
    }
  }
}

async function startOnce(count: number, cluster: string, pickPort: () => Promise<number>): Promise<ClickHouseServers> {
  const ports: [number, number][] = [];
  for (let i = 0; i < count; i++) ports.push([await pickPort(), await pickPort()]);
  const remote = remoteServers(cluster, ports.map(([, tcp]) => tcp));
  const nodes = ports.map(([http, tcp]) => {
    const dir = mkdtempSync(join(tmpdir(), 'skein-clickhouse-'));
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'users.xml'), USERS_XML);
    const configPath = join(dir, 'config.xml');
    writeFileSync(configPath, configXml(dir, http, tcp, remote));
    return node(dir, http, tcp, configPath);
  });
  const close = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop().catch(() => n.stop(true))));
    for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (err) {
    await close();
    throw err;
  }
  return { nodes, cluster, close };
}
