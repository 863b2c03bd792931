package dev.streamll.redis.processor;

import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/** An entry this consumer owns in Redis and has not acknowledged yet. */
final class HeldEntry<T> {
  final String id;
  volatile Map<String, String> fields;
  volatile T payload;
  volatile long attempt;

  /** The handler succeeded (or the policy gave up); only the acknowledgement is outstanding. */
  volatile boolean finished;

  volatile boolean leaseLost;
  volatile String lastError;
  volatile ScheduledFuture<?> retry;

  HeldEntry(String id, Map<String, String> fields, long attempt) {
    this.id = id;
    this.fields = fields;
    this.attempt = attempt;
  }
}
