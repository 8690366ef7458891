import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, envOf, flagOf, optionsHelp, OPTIONS, resolveConfig } from './config.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('derives flags and env vars from option names', () => {
    expect(flagOf('memMaxSpans')).toBe('--mem-max-spans');
    expect(envOf('memMaxSpans')).toBe('SKEIN_MEM_MAX_SPANS');
    expect(envOf('port')).toBe('SKEIN_PORT');
  });

  it('has the documented defaults', () => {
    const c = resolveConfig([], {});
    expect(c).toEqual(defaultConfig());
    expect(c.port).toBe(9411);
    expect(c.storage).toBe('sqlite');
    expect(c.dataDir).toBe('./data');
    expect(c.retention).toBe(7 * 86_400_000);
    expect(c.memMaxSpans).toBe(500_000);
    expect(c.queryLookback).toBe(86_400_000);
    expect(c.queryLimitDefault).toBe(10);
    expect(c.strictTraceId).toBe(true);
    expect(c.collectorSampleRate).toBe(1);
    expect(c.corsOrigins).toEqual(['*']);
    expect(c.autocompleteKeys).toEqual([]);
    expect(c.maxBody).toBe(5 * 1024 * 1024);
  });

  it('reads flags in both forms, env vars, and lets flags win', () => {
    const c = resolveConfig(
      ['--port', '8080', '--mem-max-spans=1000', '--autocomplete-keys', 'env, http.method', '--max-body', '64kb'],
      { SKEIN_PORT: '1', SKEIN_QUERY_LIMIT_DEFAULT: '25', SKEIN_COLLECTOR_SAMPLE_RATE: '0.25' },
    );
    expect(c.port).toBe(8080);
    expect(c.memMaxSpans).toBe(1000);
    expect(c.queryLimitDefault).toBe(25);
    expect(c.collectorSampleRate).toBe(0.25);
    expect(c.autocompleteKeys).toEqual(['env', 'http.method']);
    expect(c.maxBody).toBe(65536);
  });

  it('parses booleans as value, bare flag, --no- flag and env', () => {
    expect(resolveConfig(['--strict-trace-id', 'false'], {}).strictTraceId).toBe(false);
    expect(resolveConfig(['--strict-trace-id=0'], {}).strictTraceId).toBe(false);
    expect(resolveConfig(['--no-strict-trace-id'], {}).strictTraceId).toBe(false);
    expect(resolveConfig(['--strict-trace-id', '--port', '1'], { SKEIN_STRICT_TRACE_ID: 'false' }).strictTraceId).toBe(true);
    expect(resolveConfig([], { SKEIN_STRICT_TRACE_ID: 'no' }).strictTraceId).toBe(false);
  });

  it('names the option, its env var and the rule in a bad value message', () => {
    const e = configError(() => resolveConfig(['--mem-max-spans', 'lots'], {}));
    expect(e.code).toBe('CONFIG_INVALID_VALUE');
    expect(e.message).toContain('--mem-max-spans');
    expect(e.message).toContain('SKEIN_MEM_MAX_SPANS');
    expect(e.message).toContain('"lots"');
    const env = configError(() => resolveConfig([], { SKEIN_COLLECTOR_SAMPLE_RATE: '1.5' }));
    expect(env.message).toMatch(/--collector-sample-rate.*environment variable SKEIN_COLLECTOR_SAMPLE_RATE.*from 0 to 1/);
    expect(configError(() => resolveConfig(['--port', '70000'], {})).message).toContain('between 0 and 65535');
    expect(configError(() => resolveConfig(['--storage', 'oracle'], {})).message).toContain('one of memory');
    expect(configError(() => resolveConfig(['--max-body', '12 parsecs'], {})).message).toContain('--max-body');
    expect(configError(() => resolveConfig(['--strict-trace-id=maybe'], {})).message).toContain('true or false');
  });

  it('refuses unknown options and missing values', () => {
    expect(configError(() => resolveConfig(['--colour', 'red'], {})).code).toBe('CONFIG_UNKNOWN_OPTION');
    expect(configError(() => resolveConfig(['stray'], {})).code).toBe('CONFIG_UNKNOWN_OPTION');
    const missing = configError(() => resolveConfig(['--port'], {}));
    expect(missing.code).toBe('CONFIG_MISSING_VALUE');
    expect(missing.message).toContain('SKEIN_PORT');
    expect(configError(() => resolveConfig(['--port', '--host', 'x'], {})).code).toBe('CONFIG_MISSING_VALUE');
  });

  it('lists every option with its env var and default in --help', () => {
    const help = optionsHelp();
    for (const name of Object.keys(OPTIONS)) {
      expect(help).toContain(flagOf(name));
      expect(help).toContain(envOf(name));
    }
    expect(help).toContain('default 9411');
    expect(help).toContain('default 500000');
    expect(help).toContain('default 5mb');
    expect(help).toContain('default 1.0');
  });
});
