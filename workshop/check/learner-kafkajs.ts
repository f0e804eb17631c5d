import path from 'node:path';
import type { Plugin } from 'vite';
import { PROJECT_ROOT } from '../paths.ts';

const TRACKED = path.join(PROJECT_ROOT, 'checks', 'support', 'tracked-kafkajs.ts');
const LEARNER_CODE = ['lessons', 'solutions', path.join('checks', 'fixtures'), path.join('checks', 'variants')].map(
  (dir) => path.join(PROJECT_ROOT, dir) + path.sep,
);

/**
 * During checks, code under lessons/, solutions/, checks/fixtures/ and checks/variants/ gets the tracked kafkajs,
 * so the check can disconnect whatever clients it made. Everything else gets kafkajs as it is.
 */
export function trackLearnerKafkaClients(): Plugin {
  return {
    name: 'workshop:track-learner-kafka-clients',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source !== 'kafkajs' || !importer) return null;
      return LEARNER_CODE.some((dir) => path.normalize(importer).startsWith(dir)) ? TRACKED : null;
    },
  };
}
