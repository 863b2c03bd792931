package dev.streamll.forward;

import java.time.Duration;
import java.util.Objects;

/**
 * How a forwarder batches, retries and protects one sink.
 *
 * @param maxBatchSize most events per {@code Sink.write} call (default 512)
 * @param linger how long to wait for a batch to fill once it has one event (default 5 ms)
 * @param maxInFlightBatches batches sent but not yet confirmed at most (default 4); only an {@link
 *     dev.streamll.sink.AsyncSink} confirms asynchronously, a plain sink's writes still run one
 *     after another on the sink thread
 * @param writeTimeout a {@code write} running longer is interrupted and counted as failed (default
 *     30 s)
 * @param initialBackoff first retry ceiling; doubles per consecutive failure (default 100 ms)
 * @param maxBackoff retry ceiling cap (default 10 s)
 * @param failureThreshold consecutive failures that open the circuit (default 5)
 * @param recoveryTimeout how long the circuit stays open before one probe (default 30 s)
 * @param filter which events this sink receives (default all)
 */
public record ForwarderOptions(
    int maxBatchSize,
    Duration linger,
    int maxInFlightBatches,
    Duration writeTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    int failureThreshold,
    Duration recoveryTimeout,
    EventFilter filter) {

  public ForwarderOptions {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be >= 1, was " + maxBatchSize);
    }
    if (maxInFlightBatches < 1) {
      throw new IllegalArgumentException(
          "maxInFlightBatches must be >= 1, was " + maxInFlightBatches);
    }
    requirePositive("writeTimeout", writeTimeout);
    requirePositive("initialBackoff", initialBackoff);
    requirePositive("maxBackoff", maxBackoff);
    requirePositive("recoveryTimeout", recoveryTimeout);
    Objects.requireNonNull(linger, "linger");
    if (linger.isNegative()) {
      throw new IllegalArgumentException("linger must not be negative, was " + linger);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff (" + maxBackoff + ") must be >= initialBackoff (" + initialBackoff + ")");
    }
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be >= 1, was " + failureThreshold);
    }
    filter = filter == null ? EventFilter.all() : filter;
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
    }
  }

  public static ForwarderOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .maxBatchSize(maxBatchSize)
        .linger(linger)
        .maxInFlightBatches(maxInFlightBatches)
        .writeTimeout(writeTimeout)
        .backoff(initialBackoff, maxBackoff)
        .circuitBreaker(failureThreshold, recoveryTimeout)
        .filter(filter);
  }

  /** Builds {@link ForwarderOptions}; every setting has the default documented on the record. */
  public static final class Builder {
    private int maxBatchSize = 512;
    private Duration linger = Duration.ofMillis(5);
    private int maxInFlightBatches = 4;
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private int failureThreshold = 5;
    private Duration recoveryTimeout = Duration.ofSeconds(30);
    private EventFilter filter = EventFilter.all();

    private Builder() {}

    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    public Builder linger(Duration linger) {
      this.linger = linger;
      return this;
    }

    public Builder maxInFlightBatches(int maxInFlightBatches) {
      this.maxInFlightBatches = maxInFlightBatches;
      return this;
    }

    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = writeTimeout;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public Builder circuitBreaker(int failureThreshold, Duration recoveryTimeout) {
      this.failureThreshold = failureThreshold;
      this.recoveryTimeout = recoveryTimeout;
      return this;
    }

    public Builder filter(EventFilter filter) {
      this.filter = filter;
      return this;
    }

    public ForwarderOptions build() {
      return new ForwarderOptions(
          maxBatchSize,
          linger,
          maxInFlightBatches,
          writeTimeout,
          initialBackoff,
          maxBackoff,
          failureThreshold,
          recoveryTimeout,
          filter);
    }
  }
}
