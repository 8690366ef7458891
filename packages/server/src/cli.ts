// First, so that an unsupported Node.js is told so before Fastify loads (see node-support).
import './node-support.js';
import { ConfigError, optionsHelp, resolveConfig } from './config.js';
import { VERSION } from './observability/routes.js';
import { createServer } from './server.js';

const USAGE = `Usage: skein <command> [options]

Commands:
  serve      run the Skein server: collector, query API, UI, health and metrics
  help       show this help (skein serve --help lists the server's options)
  version    print the version
`;

const SERVE_USAGE = `Usage: skein serve [options]

Runs the Zipkin-compatible collector, query API and web UI on one port.
Every option is also read from an environment variable (a flag wins over the variable).
Values: <int> whole numbers, <bytes> sizes like 5mb, <list> comma-separated, <bool> true/false.`;

/** Entry point of the `skein` command; sets process.exitCode on failure (2: bad usage). */
export async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return;
    case 'serve':
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(`${SERVE_USAGE}\n${optionsHelp()}\n`);
        return;
      }
      return serve(rest);
    default:
      process.stderr.write(`skein: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

async function serve(args: readonly string[]): Promise<void> {
  let config;
  try {
    config = resolveConfig(args, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`skein: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  const server = await createServer(config);
  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    await server.storage.close().catch(() => undefined);
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const extra = server.collectorAddresses.map((a) => `; ${a}`).join('');
  console.log(`skein ${VERSION} listening on ${url} (storage: ${server.storage.name}; health: ${url}/health${extra})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`skein: ${signal} again, exiting without draining`);
      process.exit(1);
    }
    stopping = true;
    console.log(`skein: ${signal} received, finishing in-flight requests`);
    server.close().then(
      () => {
        console.log('skein: stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error('skein: error while stopping:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
