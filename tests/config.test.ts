import { describe, expect, test } from 'vitest';
import { brokersFromEnv, ConfigError, parseBrokerList } from '../workshop/config.ts';

describe('parseBrokerList', () => {
  test('accepts host:port lists, trimming spaces and empty entries', () => {
    expect(parseBrokerList(' localhost:9092, 10.0.0.2:9093 ,')).toEqual(['localhost:9092', '10.0.0.2:9093']);
    expect(parseBrokerList('[::1]:9092')).toEqual(['[::1]:9092']);
  });

  test.each([
    ['localhost', /"localhost", which is not host:port/],
    ['kafka://localhost:9092', /not host:port/],
    ['localhost:99999', /not host:port/],
    ['localhost:abc', /not host:port/],
    [' , ', /is empty/],
  ])('rejects %j with one clear sentence', (value, message) => {
    expect(() => parseBrokerList(value)).toThrow(ConfigError);
    expect(() => parseBrokerList(value)).toThrow(message);
  });

  test('an unset or blank KAFKA_BROKERS means "not given"', () => {
    expect(brokersFromEnv({})).toBeUndefined();
    expect(brokersFromEnv({ KAFKA_BROKERS: '  ' })).toBeUndefined();
    expect(brokersFromEnv({ KAFKA_BROKERS: 'a:1' })).toEqual(['a:1']);
  });
});
