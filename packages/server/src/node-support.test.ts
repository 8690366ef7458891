import { describe, expect, it } from 'vitest';
import { nodeSupportProblem } from './node-support.js';

describe('nodeSupportProblem', () => {
  it('accepts a Node.js that can require() ES modules', () => {
    expect(nodeSupportProblem(true, 'v20.19.0')).toBeUndefined();
  });

  it('names the versions that work when the feature is unknown (Node.js before 20.19)', () => {
    const problem = nodeSupportProblem(undefined, 'v20.11.1');
    expect(problem).toContain('Node.js v20.11.1 cannot require() ES modules');
    expect(problem).toContain('20.19 or newer');
    expect(problem).toContain('22.12');
  });

  it('points at the flag when the feature is there but turned off', () => {
    expect(nodeSupportProblem(false, 'v22.12.0')).toContain('turned off (--no-experimental-require-module?)');
  });
});
