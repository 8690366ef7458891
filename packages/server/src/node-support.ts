import { SkeinError } from '@skein/model';

// Imported first by the server's entry points, so that it runs before Fastify loads: some of
// Fastify's dependencies (cookie@2, content-disposition@3) are ES modules that CommonJS code
// require()s, which Node.js does by default only from 20.19 and 22.12 on. Elsewhere the server
// would die on load with ERR_REQUIRE_ESM, naming a file deep in node_modules.

/** The code of the error thrown when this Node.js cannot load the server. */
export const NODE_UNSUPPORTED = 'NODE_UNSUPPORTED';

/** Why a Node.js with these features cannot load the server, or undefined when it can. */
export function nodeSupportProblem(requireModule: boolean | undefined, version: string): string | undefined {
  if (requireModule === true) return undefined;
  const why = requireModule === false
    ? `Node.js ${version} has require() of ES modules turned off (--no-experimental-require-module?)`
    : `Node.js ${version} cannot require() ES modules`;
  return `${why}; the Skein server needs it for its HTTP framework's dependencies: use Node.js 20.19 or newer (22.12 or newer on 22), without that flag`;
}

const problem = nodeSupportProblem((process.features as { require_module?: boolean }).require_module, process.version);
if (problem !== undefined) throw new SkeinError(NODE_UNSUPPORTED, problem);
