import { runStorageTests } from '../conformance/index.js';
import { ReferenceStorage } from './reference-storage.js';

// Checks the conformance suite itself against a store that scans everything.
runStorageTests({ name: 'reference', newStorage: async (options) => new ReferenceStorage(options) });
