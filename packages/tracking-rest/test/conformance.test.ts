import { describeTrackingStore } from '@mlproject/tracking/conformance';
import { servedStore } from './helpers.js';

// Each store: a fresh SQLite file behind our tracking server, reached only over HTTP.
describeTrackingStore('rest (our server over sqlite)', () => servedStore());
