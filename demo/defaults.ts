/** The seed's defaults, shared by the simulator, the monitor and the fraud detector. */
export const DEFAULT_TOPIC = 'transactions';
/** Transactions per second: one every 0.5 s. */
export const DEFAULT_RATE = 2;
/** The simulator creates the topic with this many partitions when it is missing. */
export const DEFAULT_PARTITIONS = 3;
