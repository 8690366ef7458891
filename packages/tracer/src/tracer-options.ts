import type { TracerOptions } from './tracer.js';
import { PROPAGATION_FORMATS } from './propagation/propagator.js';

function invalid(message: string): Error {
  return Object.assign(new Error(message), { code: 'TRACER_INVALID_OPTION' });
}

/** Throws a TRACER_INVALID_OPTION error naming the bad option. */
export function validateOptions(options: TracerOptions): void {
  if (options === null || typeof options !== 'object') throw invalid('tracer options are required: { serviceName: "my-service" }');
  if (typeof options.serviceName !== 'string' || options.serviceName.trim() === '') {
    throw invalid('serviceName is required: pass createTracer({ serviceName: "my-service" })');
  }
  if (options.propagation !== undefined) {
    if (!Array.isArray(options.propagation)) throw invalid('propagation must be an array of formats');
    for (const f of options.propagation) {
      if (!PROPAGATION_FORMATS.includes(f)) throw invalid(`unknown propagation format "${String(f)}": use ${PROPAGATION_FORMATS.join(', ')}`);
    }
  }
  if (options.sampler !== undefined && typeof options.sampler.shouldSample !== 'function') {
    throw invalid('sampler must have a shouldSample(traceId, operationName, parentSampled) method');
  }
}
