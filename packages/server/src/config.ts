import { boolean, bytes, decimal, duration, integer, list, oneOf, text, type ValueParser } from './config-values.js';

/** One configuration option: its flag is the kebab-case key, its env var SKEIN_ + UPPER_SNAKE. */
export interface OptionSpec<T> {
  /** Section of `skein serve --help` the option is listed under. */
  readonly group: string;
  readonly parser: ValueParser<T>;
  readonly default: T;
  readonly help: string;
}

const option = <T>(group: string, parser: ValueParser<T>, dflt: T, help: string): OptionSpec<T> => ({
  group,
  parser,
  default: dflt,
  help,
});

/**
 * Every option of `skein serve`. Adding an option is one entry here: the flag, the
 * environment variable, the type, the default, --help and validation all derive from it.
 */
export const OPTIONS = {
  port: option('server', integer(0, 65535), 9411, 'TCP port of the HTTP API, collector and UI (0: any free port)'),
  host: option('server', text(), '0.0.0.0', 'interface to listen on'),
  corsOrigins: option('server', list(), ['*'], 'origins allowed by CORS, comma-separated (* allows any)'),

  storage: option('storage', oneOf(['memory', 'sqlite', 'clickhouse'] as const), 'sqlite', 'where spans are stored (sqlite keeps them on disk in --data-dir; clickhouse in --clickhouse-url)'),
  dataDir: option('storage', text(), './data', 'sqlite store: directory of its database (created when missing)'),
  retention: option('storage', duration(0), 7 * 86_400_000, 'sqlite and clickhouse stores: traces older than this are deleted in the background (clickhouse: whole days), e.g. 12h or 30d (0: keep all)'),
  clickhouseUrl: option('storage', text(), 'http://127.0.0.1:8123', 'clickhouse store: HTTP interface of ClickHouse; with --clickhouse-cluster, a comma-separated list of every node creates the tables on each (else ON CLUSTER, which needs ZooKeeper)'),
  clickhouseDatabase: option('storage', text(), 'skein', 'clickhouse store: database of the tables (created when missing)'),
  clickhouseCluster: option('storage', text(), '', 'clickhouse store: cluster name in remote_servers; tables are sharded by trace id over its nodes (empty: one node)'),
  memMaxSpans: option('storage', integer(1), 500_000, 'memory store: spans kept before the oldest traces are evicted'),
  ingestThread: option('storage', boolean(), true, 'memory store: decode and pack spans on a worker thread, so ingest uses a second core'),
  strictTraceId: option('storage', boolean(), true, 'match trace ids on all 128 bits (false: on the low 64 bits)'),
  autocompleteKeys: option('storage', list(), [], 'tag keys whose values are offered for autocomplete, comma-separated'),

  collectorSampleRate: option(
    'collector',
    decimal(0, 1),
    1,
    'fraction of traces kept by the collector (whole traces, by trace id; debug spans always kept)',
  ),
  maxBody: option('collector', bytes(1024), 5 * 1024 ** 2, 'largest request body, also after gzip inflation (413 above)'),
  ingestQueueSpans: option('collector', integer(1), 200_000, 'spans being stored at once before ingest answers 429'),
  ingestQueueBytes: option('collector', bytes(1024), 256 * 1024 ** 2, 'request bytes being stored at once before ingest answers 429'),
  otlpHttpPort: option('collector', integer(-1, 65535), 4318, 'OTLP/HTTP port (POST /v1/traces, also served on --port; 0: any free port, -1: off)'),
  grpcPort: option('collector', integer(-1, 65535), 4317, 'gRPC port: OTLP TraceService/Export and zipkin.proto3.SpanService/Report (0: any free port, -1: off)'),
  rabbitUri: option('collector', text(), '', 'RabbitMQ to consume spans from, e.g. amqp://guest:guest@127.0.0.1:5672 (empty: off)'),
  rabbitQueue: option('collector', text(), 'zipkin', 'RabbitMQ queue of span lists (declared durable; malformed messages go to <queue>.dlq)'),
  rabbitConcurrency: option('collector', integer(1, 1000), 1, 'RabbitMQ messages being stored at once (the consumer prefetch)'),

  queryLookback: option('query', integer(1), 86_400_000, 'default lookback of trace searches, in ms'),
  queryLimitDefault: option('query', integer(1, 1_000_000), 10, 'default number of traces a search returns'),
} satisfies Record<string, OptionSpec<unknown>>;

type Options = typeof OPTIONS;

/** The resolved configuration of `skein serve`. */
export type Config = { readonly [K in keyof Options]: Options[K] extends OptionSpec<infer T> ? T : never };

/** The name of a configuration option, e.g. "memMaxSpans". */
export type OptionName = keyof Config;

/** The command-line flag of an option: memMaxSpans → --mem-max-spans. */
export function flagOf(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The environment variable of an option: memMaxSpans → SKEIN_MEM_MAX_SPANS. */
export function envOf(name: string): string {
  return `SKEIN_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** A configuration value was invalid or an option unknown; the message names the option. */
export class ConfigError extends Error {
  /** CONFIG_INVALID_VALUE, CONFIG_UNKNOWN_OPTION or CONFIG_MISSING_VALUE. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.code = code;
  }
}

const names = Object.keys(OPTIONS) as OptionName[];

function spec(name: OptionName): OptionSpec<unknown> {
  return OPTIONS[name] as OptionSpec<unknown>;
}

function parseValue(name: OptionName, raw: string, source: string): unknown {
  const r = spec(name).parser.parse(raw);
  if (!r.ok) {
    throw new ConfigError(
      'CONFIG_INVALID_VALUE',
      `invalid value ${JSON.stringify(raw)} for ${flagOf(name)} (${envOf(name)}) from ${source}: ${r.error}`,
    );
  }
  return r.value;
}

/** The defaults of every option. */
export function defaultConfig(): Config {
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = spec(n).default;
  return out as Config;
}

/** A configuration from defaults overridden by typed values (used by tests and embedders). */
export function makeConfig(overrides: Partial<Config> = {}): Config {
  // Tests and embedders get the memory store unless they name one, so they never share ./data.
  // Nor do they open the OTLP/gRPC ports (4318/4317) unless they name them.
  return { ...defaultConfig(), storage: 'memory', otlpHttpPort: -1, grpcPort: -1, ...overrides };
}

/**
 * Resolves the configuration from command-line arguments (after `serve`) and the
 * environment. Precedence: flag, then SKEIN_* variable, then default.
 * Accepts `--flag value`, `--flag=value`, and for booleans a bare `--flag` or `--no-flag`.
 */
export function resolveConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config {
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const raw = env[envOf(n)];
    out[n] = raw === undefined || raw === '' ? spec(n).default : parseValue(n, raw, `environment variable ${envOf(n)}`);
  }
  const byFlag = new Map(names.map((n) => [flagOf(n), n] as const));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError('CONFIG_UNKNOWN_OPTION', `unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const name = byFlag.get(flag);
    if (name === undefined && flag.startsWith('--no-')) {
      const positive = byFlag.get(`--${flag.slice(5)}`);
      if (positive !== undefined && spec(positive).parser.bare === true && eq < 0) {
        out[positive] = false;
        continue;
      }
    }
    if (name === undefined) {
      throw new ConfigError('CONFIG_UNKNOWN_OPTION', `unknown option ${flag} (see skein serve --help)`);
    }
    let raw: string;
    if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      const bare = spec(name).parser.bare === true;
      if (bare && (next === undefined || !spec(name).parser.parse(next).ok)) {
        raw = 'true';
      } else if (next === undefined || (next.startsWith('--') && !bare)) {
        throw new ConfigError('CONFIG_MISSING_VALUE', `option ${flag} needs a value (${envOf(name)})`);
      } else {
        raw = next;
        i++;
      }
    }
    out[name] = parseValue(name, raw, `flag ${flag}`);
  }
  return out as Config;
}

/** The option list of `skein serve --help`: flag, env var, type, default, description. */
export function optionsHelp(): string {
  const lines: string[] = [];
  let group = '';
  for (const n of names) {
    const s = spec(n);
    if (s.group !== group) {
      group = s.group;
      lines.push('', `${group[0]?.toUpperCase()}${group.slice(1)}:`);
    }
    const show = s.parser.show as (v: unknown) => string;
    lines.push(`  ${flagOf(n)} <${s.parser.type}>  (env ${envOf(n)}, default ${show(s.default)})`, `      ${s.help}`);
  }
  return lines.join('\n');
}
