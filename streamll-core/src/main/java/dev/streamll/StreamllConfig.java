package dev.streamll;

import dev.streamll.emit.OverflowPolicy;
import dev.streamll.event.EventCodec;
import dev.streamll.forward.MonotonicClock;
import dev.streamll.journal.FileJournal;
import dev.streamll.journal.InMemoryJournal;
import dev.streamll.journal.Journal;
import dev.streamll.version.VersionTracking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a {@link Streamll} instance needs, as an immutable value. Build it with {@link
 * #builder()}; every setting has a default, so {@code StreamllConfig.builder().sink("terminal:")
 * .build()} is a complete configuration.
 */
public final class StreamllConfig {
  public static final int DEFAULT_RING_CAPACITY = 65_536;

  private final List<SinkConfig> sinks;
  private final Supplier<Journal> journal;
  private final String journalDescription;
  private final int ringCapacity;
  private final OverflowPolicy overflowPolicy;
  private final Duration overflowTimeout;
  private final int maxPayloadBytes;
  private final Map<String, String> tags;
  private final Duration closeTimeout;
  private final boolean checkSinksAtStart;
  private final Duration startTimeout;
  private final MonotonicClock clock;
  private final VersionTracking versionTracking;

  private StreamllConfig(Builder b) {
    this.sinks = List.copyOf(b.sinks);
    this.journal = b.journal;
    this.journalDescription = b.journalDescription;
    this.ringCapacity = b.ringCapacity;
    this.overflowPolicy = b.overflowPolicy;
    this.overflowTimeout = b.overflowTimeout;
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.tags = Map.copyOf(b.tags);
    this.closeTimeout = b.closeTimeout;
    this.checkSinksAtStart = b.checkSinksAtStart;
    this.startTimeout = b.startTimeout;
    this.clock = b.clock;
    this.versionTracking = b.versionTracking;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where the journal lives unless configured: {@code $STREAMLL_HOME/journal} (or the system
   * property {@code streamll.home}), else {@code ./.streamll/journal}.
   */
  public static Path defaultJournalDirectory() {
    String home = System.getProperty("streamll.home", System.getenv("STREAMLL_HOME"));
    Path base = home == null || home.isBlank() ? Path.of(".streamll") : Path.of(home);
    return base.resolve("journal");
  }

  /**
   * The configuration used by {@link Streamll#global()} before {@code configure} is called: the
   * sinks listed in the environment variable {@code STREAMLL_SINKS} (comma-separated URLs), default
   * {@code terminal:}.
   */
  public static StreamllConfig fromEnvironment() {
    return environmentBuilder().build();
  }

  static Builder environmentBuilder() {
    Builder builder = builder();
    String sinks = System.getenv("STREAMLL_SINKS");
    for (String url : (sinks == null || sinks.isBlank() ? "terminal:" : sinks).split(",")) {
      if (!url.isBlank()) {
        builder.sink(url.trim());
      }
    }
    return builder;
  }

  public List<SinkConfig> sinks() {
    return sinks;
  }

  Journal openJournal() {
    return journal.get();
  }

  public String journalDescription() {
    return journalDescription;
  }

  public int ringCapacity() {
    return ringCapacity;
  }

  public OverflowPolicy overflowPolicy() {
    return overflowPolicy;
  }

  public Duration overflowTimeout() {
    return overflowTimeout;
  }

  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  public Map<String, String> tags() {
    return tags;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  public boolean checkSinksAtStart() {
    return checkSinksAtStart;
  }

  public Duration startTimeout() {
    return startTimeout;
  }

  public MonotonicClock clock() {
    return clock;
  }

  public VersionTracking versionTracking() {
    return versionTracking;
  }

  /** Builds a {@link StreamllConfig}. */
  public static final class Builder {
    private final List<SinkConfig> sinks = new ArrayList<>();
    private Supplier<Journal> journal = () -> FileJournal.open(defaultJournalDirectory());
    private String journalDescription = defaultJournalDirectory().toString();
    private int ringCapacity = DEFAULT_RING_CAPACITY;
    private OverflowPolicy overflowPolicy = OverflowPolicy.DROP;
    private Duration overflowTimeout = Duration.ZERO;
    private int maxPayloadBytes = EventCodec.DEFAULT_MAX_PAYLOAD_BYTES;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private Duration closeTimeout = Duration.ofSeconds(10);
    private boolean checkSinksAtStart = true;
    private Duration startTimeout = Duration.ofSeconds(10);
    private MonotonicClock clock = MonotonicClock.system();
    private VersionTracking versionTracking = VersionTracking.fromEnvironment();

    private Builder() {}

    /**
     * Adds a sink by URL: {@code terminal:}, {@code redis://…}, {@code amqp://…}, {@code
     * kafka://…}.
     *
     * @throws IllegalArgumentException for a malformed URL or unknown scheme, naming the fix
     */
    public Builder sink(String url) {
      return sink(SinkConfig.of(url));
    }

    public Builder sink(dev.streamll.sink.Sink sink) {
      return sink(SinkConfig.of(sink));
    }

    public Builder sink(SinkConfig sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Keeps the journal on disk in {@code directory} with default options (64 MiB segments, fsync
     * every second). The default is {@link #defaultJournalDirectory()}.
     */
    public Builder journalDirectory(Path directory) {
      Objects.requireNonNull(directory, "directory");
      return journal(() -> FileJournal.open(directory), directory.toString());
    }

    /** Keeps the journal in memory: nothing survives the process (tests, read-only hosts). */
    public Builder inMemoryJournal() {
      return journal(InMemoryJournal::create, "memory");
    }

    /** Uses a journal created by {@code factory} when the instance starts. */
    public Builder journal(Supplier<Journal> factory, String description) {
      this.journal = Objects.requireNonNull(factory, "factory");
      this.journalDescription = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Slots in the ring between application threads and the writer (default 65,536). */
    public Builder ringCapacity(int ringCapacity) {
      if (ringCapacity < 2) {
        throw new IllegalArgumentException("ringCapacity must be >= 2, was " + ringCapacity);
      }
      this.ringCapacity = ringCapacity;
      return this;
    }

    /** Drop new events when the ring is full, never blocking the caller (default). */
    public Builder dropWhenFull() {
      this.overflowPolicy = OverflowPolicy.DROP;
      this.overflowTimeout = Duration.ZERO;
      return this;
    }

    /** Block the emitting thread up to {@code timeout} when the ring is full, then drop. */
    public Builder blockWhenFull(Duration timeout) {
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("blockWhenFull timeout must be >= 0, was " + timeout);
      }
      this.overflowPolicy = OverflowPolicy.BLOCK;
      this.overflowTimeout = timeout;
      return this;
    }

    /** Encoded events larger than this have their data truncated (default 1 MiB). */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      if (maxPayloadBytes < 1024) {
        throw new IllegalArgumentException(
            "maxPayloadBytes must be >= 1024, was " + maxPayloadBytes);
      }
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    /** A tag on every event of this instance. */
    public Builder tag(String key, String value) {
      tags.put(Objects.requireNonNull(key, "tag key"), Objects.requireNonNull(value, "tag value"));
      return this;
    }

    /** How long {@code close()} keeps delivering before it gives up (default 10 s). */
    public Builder closeTimeout(Duration closeTimeout) {
      if (closeTimeout == null || closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must be >= 0, was " + closeTimeout);
      }
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Whether {@code Streamll.create} connects every sink and fails if one is unreachable or
     * misconfigured (default true). With false, a sink that is down at start-up is retried by its
     * forwarder while its events wait in the journal.
     */
    public Builder checkSinksAtStart(boolean check) {
      this.checkSinksAtStart = check;
      return this;
    }

    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
      return this;
    }

    /** The clock for backoff and the circuit breaker; tests inject a manual one. */
    public Builder clock(MonotonicClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Which code produced each event: instrumented modules' {@code start}, {@code end} and {@code
     * error} events carry {@code module_version}, {@code code_signature} and {@code git_commit}.
     * Default: off, unless the environment variable {@code STREAMLL_VERSION_TRACKING} names
     * strategies (see {@code docs/version-tracking.md}).
     */
    public Builder versionTracking(VersionTracking versionTracking) {
      this.versionTracking = Objects.requireNonNull(versionTracking, "versionTracking");
      return this;
    }

    public StreamllConfig build() {
      return new StreamllConfig(this);
    }
  }
}
