package dev.streamll.redis.processor;

import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Objects;

/**
 * Processes the entries of a Redis stream through a consumer group with at-least-once delivery:
 * bounded concurrency, leases kept alive by heartbeats, reclaiming from dead consumers, retries
 * with backoff and a dead-letter stream. See docs/stream-processor.md.
 *
 * <pre>{@code
 * StreamProcessor<Job> processor =
 *     StreamProcessor.builder(JsonEntryCodec.of(Job.class))
 *         .redis(client)
 *         .stream("jobs")
 *         .group("workers")
 *         .handler(item -> work(item.payload()))
 *         .build();
 * try (ProcessorHandle running = processor.start()) { ... }
 * }</pre>
 */
public final class StreamProcessor<T> {

  final RedisClient client;
  final String redisUri;
  final String stream;
  final String group;
  final String consumer;
  final EntryCodec<T> codec;
  final EntryHandler<T> handler;
  final StartPosition startFrom;
  final int batchSize;
  final int concurrency;
  final Duration lease;
  final Duration claimInterval;
  final RetryPolicy retry;
  final boolean deadLetter;
  final String deadLetterStream;
  final long deadLetterMaxLength;
  final boolean events;
  final String eventsStream;
  final long eventsMaxLength;
  final AckRetention retention;
  final Duration deadConsumerAfter;
  final ProcessorTelemetry telemetry;

  private StreamProcessor(Builder<T> b) {
    if (b.client == null && b.redisUri == null) {
      throw new IllegalArgumentException(
          "no Redis connection: call redis(RedisClient) or redisUri(\"redis://host:6379\")");
    }
    this.client = b.client;
    this.redisUri = b.redisUri;
    this.stream = RedisStream.requireKey(b.stream);
    this.group = requireText("group", b.group, "name the consumer group, e.g. \"workers\"");
    this.consumer =
        requireText(
            "consumer",
            b.consumer == null ? ConsumerNames.hostAndPid() : b.consumer,
            "use a name that is stable across restarts of this process, e.g. host + pid");
    this.codec = Objects.requireNonNull(b.codec, "codec");
    if (b.handler == null) {
      throw new IllegalArgumentException("no handler: call handler(item -> ...)");
    }
    this.handler = b.handler;
    this.startFrom = Objects.requireNonNull(b.startFrom, "startFrom");
    this.batchSize = requireRange("batchSize", b.batchSize, 1, 10_000);
    this.concurrency = requireRange("concurrency", b.concurrency, 1, 10_000);
    if (b.lease == null || b.lease.toMillis() < 100) {
      throw new IllegalArgumentException(
          "lease is "
              + b.lease
              + ": use at least 100 ms (default 30 s); heartbeats run every lease/2");
    }
    this.lease = b.lease;
    this.claimInterval = b.claimInterval == null ? b.lease.dividedBy(2) : b.claimInterval;
    if (claimInterval.toMillis() < 10) {
      throw new IllegalArgumentException(
          "claimInterval is " + claimInterval + ": use at least 10 ms (default lease/2)");
    }
    this.retry = Objects.requireNonNull(b.retry, "retry");
    this.deadLetter = b.deadLetter;
    this.deadLetterStream = b.deadLetterStream == null ? stream + ":dlq" : b.deadLetterStream;
    this.deadLetterMaxLength =
        requireRange("deadLetterMaxLength", b.deadLetterMaxLength, 0, Long.MAX_VALUE);
    this.events = b.events;
    this.eventsStream = b.eventsStream == null ? stream + ":events" : b.eventsStream;
    this.eventsMaxLength = requireRange("eventsMaxLength", b.eventsMaxLength, 0, Long.MAX_VALUE);
    if (deadLetterStream.equals(stream) || eventsStream.equals(stream)) {
      throw new IllegalArgumentException(
          "deadLetterStream and eventsStream must differ from the source stream '" + stream + "'");
    }
    this.retention = Objects.requireNonNull(b.retention, "retention");
    this.deadConsumerAfter =
        b.deadConsumerAfter == null ? lease.multipliedBy(10) : b.deadConsumerAfter;
    if (deadConsumerAfter.isNegative()
        || (!deadConsumerAfter.isZero() && deadConsumerAfter.compareTo(lease) < 0)) {
      throw new IllegalArgumentException(
          "deadConsumerAfter is "
              + deadConsumerAfter
              + ": use Duration.ZERO to keep dead consumers, or at least the lease ("
              + lease
              + ")");
    }
    this.telemetry = b.telemetry == null ? ProcessorTelemetry.detect() : b.telemetry;
  }

  private static String requireText(String setting, String value, String fix) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(setting + " is blank: " + fix);
    }
    return value;
  }

  private static int requireRange(String setting, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          setting + " is " + value + ": use a value between " + min + " and " + max);
    }
    return value;
  }

  private static long requireRange(String setting, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          setting
              + " is "
              + value
              + ": use a value between "
              + min
              + " and "
              + max
              + " (0 = unbounded)");
    }
    return value;
  }

  /** A builder for entries decoded by {@code codec}. */
  public static <T> Builder<T> builder(EntryCodec<T> codec) {
    return new Builder<>(Objects.requireNonNull(codec, "codec"));
  }

  /**
   * Creates the group when missing ({@code MKSTREAM}; an existing group is fine) and starts
   * fetching. Fails with a clear message when Redis is unreachable.
   */
  public ProcessorHandle start() {
    ProcessorEngine<T> engine = new ProcessorEngine<>(this);
    engine.start();
    return engine;
  }

  public String stream() {
    return stream;
  }

  public String group() {
    return group;
  }

  public String consumer() {
    return consumer;
  }

  /** Options; defaults follow process_redis_events where it has them. */
  public static final class Builder<T> {
    private final EntryCodec<T> codec;
    private RedisClient client;
    private String redisUri;
    private String stream;
    private String group;
    private String consumer;
    private EntryHandler<T> handler;
    private StartPosition startFrom = StartPosition.OLDEST;
    private int batchSize = 20;
    private int concurrency = 10;
    private Duration lease = Duration.ofSeconds(30);
    private Duration claimInterval;
    private RetryPolicy retry = RetryPolicy.maxAttempts(3);
    private boolean deadLetter = true;
    private String deadLetterStream;
    private long deadLetterMaxLength = 100_000;
    private boolean events;
    private String eventsStream;
    private long eventsMaxLength = 10_000;
    private AckRetention retention = AckRetention.DELETE;
    private Duration deadConsumerAfter;
    private ProcessorTelemetry telemetry;

    private Builder(EntryCodec<T> codec) {
      this.codec = codec;
    }

    /** The client to connect with; the caller keeps owning it. */
    public Builder<T> redis(RedisClient client) {
      this.client = client;
      return this;
    }

    /** A Redis URI; the processor creates its own client and shuts it down on close. */
    public Builder<T> redisUri(String uri) {
      this.redisUri = uri;
      return this;
    }

    public Builder<T> stream(String key) {
      this.stream = key;
      return this;
    }

    public Builder<T> group(String name) {
      this.group = name;
      return this;
    }

    /**
     * The consumer name (default {@code <host>-<pid>}). Keep it stable across restarts of the same
     * worker and unique between concurrently running workers.
     */
    public Builder<T> consumer(String name) {
      this.consumer = name;
      return this;
    }

    public Builder<T> handler(EntryHandler<T> handler) {
      this.handler = handler;
      return this;
    }

    /** Where a newly created group starts (default {@link StartPosition#OLDEST}). */
    public Builder<T> startFrom(StartPosition position) {
      this.startFrom = position;
      return this;
    }

    /** Entries per {@code XREADGROUP} / {@code XAUTOCLAIM} (default 20). */
    public Builder<T> batchSize(int entries) {
      this.batchSize = entries;
      return this;
    }

    /** Handlers running at once, at most (default 10), whatever the batch size. */
    public Builder<T> concurrency(int handlers) {
      this.concurrency = handlers;
      return this;
    }

    /**
     * How long an entry stays ours without a heartbeat (default 30 s); heartbeats run every lease/2
     * and entries of dead consumers are reclaimed once idle this long.
     */
    public Builder<T> lease(Duration lease) {
      this.lease = lease;
      return this;
    }

    /** How often to look for entries to reclaim (default lease/2). */
    public Builder<T> claimInterval(Duration interval) {
      this.claimInterval = interval;
      return this;
    }

    /** Attempts and backoff (default 3 attempts, 100 ms doubling to 30 s, jitter 0.5). */
    public Builder<T> retry(RetryPolicy policy) {
      this.retry = policy;
      return this;
    }

    /**
     * Whether entries the retry policy gave up on go to the dead-letter stream (default on). Off,
     * they are acknowledged and dropped with a warning and a failed event.
     */
    public Builder<T> deadLetter(boolean enabled) {
      this.deadLetter = enabled;
      return this;
    }

    /** The dead-letter stream (default {@code <stream>:dlq}). */
    public Builder<T> deadLetterStream(String key) {
      this.deadLetterStream = key;
      return this;
    }

    /** Approximate bound of the dead-letter stream (default 100 000; 0 = unbounded). */
    public Builder<T> deadLetterMaxLength(long entries) {
      this.deadLetterMaxLength = entries;
      return this;
    }

    /** Whether started/progress/completed/failed events are written (default off). */
    public Builder<T> events(boolean enabled) {
      this.events = enabled;
      return this;
    }

    /** The events stream (default {@code <stream>:events}). */
    public Builder<T> eventsStream(String key) {
      this.eventsStream = key;
      return this;
    }

    /** Approximate bound of the events stream (default 10 000; 0 = unbounded). */
    public Builder<T> eventsMaxLength(long entries) {
      this.eventsMaxLength = entries;
      return this;
    }

    /** What happens to acknowledged entries (default {@link AckRetention#DELETE}). */
    public Builder<T> retention(AckRetention retention) {
      this.retention = retention;
      return this;
    }

    /**
     * Deletes other consumers of the group that have been idle this long and hold no pending
     * entries (default 10 × lease; {@link Duration#ZERO} keeps them).
     */
    public Builder<T> deadConsumerAfter(Duration idle) {
      this.deadConsumerAfter = idle;
      return this;
    }

    /** Spans and metrics (default: OpenTelemetry when on the class path, else none). */
    public Builder<T> telemetry(ProcessorTelemetry telemetry) {
      this.telemetry = telemetry;
      return this;
    }

    public StreamProcessor<T> build() {
      return new StreamProcessor<>(this);
    }
  }
}
