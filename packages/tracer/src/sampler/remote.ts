import { ProbabilisticSampler } from './probabilistic.js';
import { RateLimitingSampler, TokenBucket } from './rate-limiting.js';
import type { Sampler } from './sampler.js';
import { httpGetText } from '../reporter/http-request.js';

/** Options of the remote sampler. */
export interface RemoteSamplerOptions {
  /** The service whose strategy is fetched. */
  serviceName: string;
  /** The Jaeger-compatible sampling endpoint (default http://localhost:5778/sampling). */
  url?: string;
  /** How often to poll (default 60000 ms). */
  pollIntervalMs?: number;
  /** Used until a strategy has been fetched (default: probabilistic 0.001, as Jaeger). */
  initial?: Sampler;
  /** Request timeout (default 5000 ms). */
  timeoutMs?: number;
}

interface OperationStrategy {
  operation?: unknown;
  probabilisticSampling?: { samplingRate?: unknown };
}

/** Jaeger's strategy response (field names as in sampling.proto's JSON form). */
interface StrategyResponse {
  strategyType?: unknown;
  probabilisticSampling?: { samplingRate?: unknown };
  rateLimitingSampling?: { maxTracesPerSecond?: unknown };
  operationSampling?: {
    defaultSamplingProbability?: unknown;
    defaultLowerBoundTracesPerSecond?: unknown;
    perOperationStrategies?: unknown;
  };
}

const isRate = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** Per-operation probabilities with a guaranteed lower bound per operation (Jaeger's adaptive form). */
class PerOperationSampler implements Sampler {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly byOperation: Map<string, ProbabilisticSampler>,
    private readonly fallback: ProbabilisticSampler,
    private readonly lowerBound: number,
  ) {}

  shouldSample(traceId: string, operationName: string): boolean {
    const p = this.byOperation.get(operationName) ?? this.fallback;
    if (p.shouldSample(traceId)) return true;
    if (this.lowerBound <= 0) return false;
    let bucket = this.buckets.get(operationName);
    if (bucket === undefined) {
      if (this.buckets.size >= 2000) return false;
      bucket = new TokenBucket(this.lowerBound);
      this.buckets.set(operationName, bucket);
    }
    return bucket.tryTake();
  }
}

/** Builds a sampler from a strategy response; throws on anything it does not understand. */
export function samplerFromStrategy(body: unknown): Sampler {
  if (body === null || typeof body !== 'object') throw new Error('strategy is not an object');
  const s = body as StrategyResponse;
  const ops = s.operationSampling;
  if (ops !== undefined && ops !== null && Array.isArray(ops.perOperationStrategies)) {
    const def = isRate(ops.defaultSamplingProbability) ? ops.defaultSamplingProbability : 0.001;
    const lower = typeof ops.defaultLowerBoundTracesPerSecond === 'number' && ops.defaultLowerBoundTracesPerSecond >= 0 ? ops.defaultLowerBoundTracesPerSecond : 0;
    const map = new Map<string, ProbabilisticSampler>();
    for (const op of ops.perOperationStrategies as OperationStrategy[]) {
      const rate = op?.probabilisticSampling?.samplingRate;
      if (typeof op?.operation === 'string' && isRate(rate)) map.set(op.operation, new ProbabilisticSampler(rate));
    }
    return new PerOperationSampler(map, new ProbabilisticSampler(def), lower);
  }
  const type = s.strategyType;
  if (type === 'RATE_LIMITING' || type === 1) {
    const max = s.rateLimitingSampling?.maxTracesPerSecond;
    if (typeof max !== 'number' || !(max >= 0)) throw new Error('rateLimitingSampling.maxTracesPerSecond missing');
    return new RateLimitingSampler(max);
  }
  if (type === 'PROBABILISTIC' || type === 0 || type === undefined) {
    const rate = s.probabilisticSampling?.samplingRate;
    if (!isRate(rate)) throw new Error('probabilisticSampling.samplingRate missing or out of range');
    return new ProbabilisticSampler(rate);
  }
  throw new Error(`unknown strategyType ${String(type)}`);
}

/**
 * Polls a Jaeger-compatible sampling endpoint (`GET {url}?service=`) and samples by the strategy it
 * returns. When a poll fails (network, status, bad body) the last good strategy stays in force.
 */
export class RemoteSampler implements Sampler {
  private current: Sampler;
  private readonly url: string;
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Poll outcomes, for health checks and tests. */
  readonly stats = { polls: 0, failures: 0, lastError: undefined as string | undefined };

  constructor(options: RemoteSamplerOptions) {
    this.current = options.initial ?? new ProbabilisticSampler(0.001);
    const base = new URL(options.url ?? 'http://localhost:5778/sampling');
    base.searchParams.set('service', options.serviceName);
    this.url = base.toString();
    this.timeoutMs = options.timeoutMs ?? 5000;
    const every = options.pollIntervalMs ?? 60_000;
    this.timer = setInterval(() => void this.refresh(), every);
    this.timer.unref();
    void this.refresh();
  }

  /** The sampler in force now. */
  get strategy(): Sampler {
    return this.current;
  }

  shouldSample(traceId: string, operationName: string, parentSampled: boolean | undefined): boolean {
    return this.current.shouldSample(traceId, operationName, parentSampled);
  }

  /** Fetches the strategy once; resolves true when it was applied. Never rejects. */
  async refresh(): Promise<boolean> {
    this.stats.polls++;
    try {
      const res = await httpGetText(this.url, this.timeoutMs);
      if (res.status !== 200) throw new Error(`sampling endpoint answered ${res.status}`);
      this.current = samplerFromStrategy(JSON.parse(res.body));
      this.stats.lastError = undefined;
      return true;
    } catch (err) {
      this.stats.failures++;
      this.stats.lastError = (err as Error).message;
      return false;
    }
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
