import {
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { expect, test } from 'vitest';
import { isBrokerLoss, isCoordinatorLoading } from '../demo/broker-loss.ts';

/** kafkajs's own error classes, wrapped the way its retrier wraps them once the retries are spent. */
/** kafkajs's types give this class no constructor argument, but it reads the message from the first one. */
const CoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error;
const afterRetries = (error: Error) => new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 5, retryTime: 300 });

test('a coordinator that is not loaded yet is recognised through the retrier wrapping it', () => {
  const coordinator = new CoordinatorNotFound('Failed to find group coordinator');
  expect(isCoordinatorLoading(coordinator)).toBe(true);
  expect(isCoordinatorLoading(afterRetries(coordinator))).toBe(true);
  expect(isBrokerLoss(afterRetries(coordinator))).toBe(false);
});

test('a lost connection is broker loss, wrapped or not; a protocol error is neither', () => {
  const lost = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  expect(isBrokerLoss(lost)).toBe(true);
  expect(isBrokerLoss(afterRetries(lost))).toBe(true);
  expect(isCoordinatorLoading(afterRetries(lost))).toBe(false);
  const refused = afterRetries(
    new KafkaJSProtocolError('The request included a message larger than the max message size'),
  );
  expect(isBrokerLoss(refused)).toBe(false);
  expect(isCoordinatorLoading(refused)).toBe(false);
});
