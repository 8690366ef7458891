#!/usr/bin/env node
// The `skein` command; the compiled CLI lives in dist (built by `npm run build`). Loaded with
// import() so that an error while loading it (an unsupported Node.js) prints as one line too.
import('../dist/cli.js')
  .then(({ main }) => main(process.argv.slice(2)))
  .catch((err) => {
    console.error(err instanceof Error ? `skein: ${err.message}` : String(err));
    process.exit(1);
  });
