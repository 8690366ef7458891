import { makeConfig, type Config } from './config.js';
import { createServer, type CreateServerOptions, type SkeinServer } from './server.js';

/** A server listening on 127.0.0.1 on a free port, for tests. */
export interface TestServer {
  server: SkeinServer;
  /** Base URL, e.g. http://127.0.0.1:40123. */
  url: string;
  close(): Promise<void>;
}

/** Starts a real server on 127.0.0.1:0 with the given options (no UI files unless uiDir is set). */
export async function startTestServer(overrides: Partial<Config> = {}, options: CreateServerOptions = {}): Promise<TestServer> {
  const server = await createServer(makeConfig({ port: 0, host: '127.0.0.1', ...overrides }), { uiDir: null, ...options });
  const url = await server.listen();
  return { server, url, close: () => server.close() };
}
