import { runStorageTests } from '../conformance/index.js';
import { InMemoryStorage } from './in-memory-storage.js';

runStorageTests({ name: 'memory', newStorage: async (options) => new InMemoryStorage(options) });
