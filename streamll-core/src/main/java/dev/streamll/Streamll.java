package dev.streamll;

import dev.streamll.emit.Emitter;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.Forwarder;
import dev.streamll.forward.SinkHealth;
import dev.streamll.journal.Journal;
import dev.streamll.journal.JournalException;
import dev.streamll.sink.Sink;
import dev.streamll.version.VersionTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: one instance owns an emitter, a journal and a forwarder per sink.
 *
 * <pre>{@code
 * Streamll streamll = Streamll.configure(StreamllConfig.builder().sink("terminal:").build());
 * try (Span span = streamll.trace("llm_call")) {
 *   span.token("Hello");
 * }
 * }</pre>
 *
 * <p>{@link #configure} installs the process-wide instance returned by {@link #global()}; {@link
 * #create} makes independent instances for tests and multi-tenant applications. Nothing here throws
 * into the application once the instance is running: emits that cannot be accepted are counted in
 * {@link #health()}.
 */
public final class Streamll implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Streamll.class);
  private static final Object GLOBAL_LOCK = new Object();
  private static volatile Streamll global;
  private static volatile Map<String, String> globalTags = Map.of();

  private final StreamllConfig config;
  private final EventCodec codec;
  private final Journal journal;
  private final Emitter emitter;
  private final List<Forwarder> forwarders;
  private final Map<String, String> instanceTags;
  private final VersionTracker versions;
  private volatile BaseTags baseTags;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Streamll(StreamllConfig config) {
    this.config = config;
    this.codec = new EventCodec(config.maxPayloadBytes());
    this.journal = config.openJournal();
    this.instanceTags = config.tags();
    this.versions = VersionTracker.create(config.versionTracking());
    List<Forwarder> created = new ArrayList<>();
    try {
      Set<String> cursorNames = new HashSet<>();
      for (SinkConfig sinkConfig : config.sinks()) {
        Sink sink = sinkConfig.createSink();
        String cursor = uniqueCursorName(sinkConfig, sink, cursorNames);
        created.add(
            new Forwarder(sink, journal, cursor, sinkConfig.options(), codec, config.clock()));
      }
      if (config.checkSinksAtStart()) {
        for (Forwarder forwarder : created) {
          startSinkOrFail(forwarder);
        }
      }
    } catch (RuntimeException e) {
      created.forEach(f -> f.close(Duration.ZERO));
      journal.close();
      throw e;
    }
    this.forwarders = List.copyOf(created);
    this.emitter =
        new Emitter(
            journal,
            codec,
            config.ringCapacity(),
            config.overflowPolicy(),
            config.overflowTimeout());
    forwarders.forEach(Forwarder::start);
  }

  private static String uniqueCursorName(SinkConfig sinkConfig, Sink sink, Set<String> taken) {
    String base =
        sinkConfig.cursorName() != null
            ? sinkConfig.cursorName()
            : "sink-" + sink.name().replaceAll("[^A-Za-z0-9._-]", "_");
    if (base.length() > 90) {
      base = base.substring(0, 90);
    }
    String name = base;
    for (int i = 2; !taken.add(name); i++) {
      name = base + "-" + i;
    }
    return name;
  }

  private void startSinkOrFail(Forwarder forwarder) {
    CompletableFuture<Void> start =
        CompletableFuture.runAsync(
            () -> {
              try {
                forwarder.startSinkNow();
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
              }
            });
    try {
      start.get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      start.cancel(true);
      throw new IllegalStateException(
          "sink "
              + forwarder.sink().name()
              + " did not start within startTimeout "
              + config.startTimeout()
              + "; check that it is reachable, or set checkSinksAtStart(false) to let it"
              + " catch up later");
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof IllegalStateException && e.getCause().getCause() != null
              ? e.getCause().getCause()
              : e.getCause();
      throw new IllegalStateException(
          "sink "
              + forwarder.sink().name()
              + " could not start: "
              + cause.getMessage()
              + " (set checkSinksAtStart(false) to start anyway and deliver once it is reachable)",
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting sinks", e);
    }
  }

  /**
   * Creates an independent instance.
   *
   * @throws IllegalStateException when a sink cannot start and {@code checkSinksAtStart} is on; the
   *     message names the sink and the fix
   */
  public static Streamll create(StreamllConfig config) {
    return new Streamll(config);
  }

  /**
   * Replaces the global instance with one built from {@code config}. The previous global instance
   * is closed first (delivering what it accepted, up to its close timeout).
   */
  public static Streamll configure(StreamllConfig config) {
    synchronized (GLOBAL_LOCK) {
      Streamll previous = global;
      if (previous != null) {
        previous.close();
      }
      Streamll next = new Streamll(config);
      global = next;
      return next;
    }
  }

  /**
   * The global instance; created from {@link StreamllConfig#fromEnvironment()} on first use if
   * {@link #configure} was never called.
   */
  public static Streamll global() {
    Streamll current = global;
    if (current != null) {
      return current;
    }
    synchronized (GLOBAL_LOCK) {
      if (global == null) {
        global = createDefault();
      }
      return global;
    }
  }

  // global() is reached from instrumented code, which must not fail because, say, another
  // process holds the default journal: fall back to memory and say so.
  private static Streamll createDefault() {
    try {
      return new Streamll(StreamllConfig.fromEnvironment());
    } catch (JournalException e) {
      log.error(
          "StreamLL cannot open its journal ({}); keeping events in memory only. Set"
              + " STREAMLL_HOME or call Streamll.configure(...) to choose another directory",
          e.getMessage());
      return new Streamll(StreamllConfig.environmentBuilder().inMemoryJournal().build());
    }
  }

  /** Sets a tag on every event of every instance in this process. */
  public static void globalTag(String key, String value) {
    synchronized (GLOBAL_LOCK) {
      Map<String, String> copy = new LinkedHashMap<>(globalTags);
      copy.put(key, value);
      globalTags = Map.copyOf(copy);
    }
  }

  /** Starts a span for {@code operation}, a child of the current span if there is one. */
  public Span trace(String operation) {
    return span(operation).start();
  }

  /** Options for a span before starting it. */
  public SpanBuilder span(String operation) {
    return new SpanBuilder(this, operation);
  }

  Span startSpan(
      Span parent,
      String moduleName,
      String methodName,
      String operation,
      Map<String, String> spanTags,
      VersionInfo version,
      Map<String, Object> startData,
      boolean makeCurrent) {
    Map<String, String> tags = mergeTags(parent, spanTags);
    return new Span(
        this, parent, moduleName, methodName, operation, tags, version, startData, makeCurrent);
  }

  private Map<String, String> mergeTags(Span parent, Map<String, String> spanTags) {
    Map<String, String> inherited = parent != null ? parent.tags() : null;
    if (spanTags.isEmpty()) {
      return inherited != null ? inherited : baseTags();
    }
    Map<String, String> merged = new LinkedHashMap<>(globalTags);
    merged.putAll(instanceTags);
    if (inherited != null) {
      merged.putAll(inherited);
    }
    merged.putAll(spanTags);
    return Map.copyOf(merged);
  }

  /** Global and instance tags merged; recomputed only when a global tag changes. */
  private Map<String, String> baseTags() {
    Map<String, String> global = globalTags;
    BaseTags cached = baseTags;
    if (cached == null || cached.global != global) {
      Map<String, String> merged = new LinkedHashMap<>(global);
      merged.putAll(instanceTags);
      cached = new BaseTags(global, Map.copyOf(merged));
      baseTags = cached;
    }
    return cached.merged;
  }

  private record BaseTags(Map<String, String> global, Map<String, String> merged) {}

  /** Runs {@code work} in a span; its exception is recorded as an {@code error} and rethrown. */
  public <T> T call(String operation, Callable<T> work) throws Exception {
    Span span = trace(operation);
    try {
      return work.call();
    } catch (Exception | Error e) {
      span.fail(e);
      throw e;
    } finally {
      span.close();
    }
  }

  /** Runs {@code work} in a span; its exception is recorded as an {@code error} and rethrown. */
  public void run(String operation, Runnable work) {
    Span span = trace(operation);
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      span.fail(e);
      throw e;
    } finally {
      span.close();
    }
  }

  /**
   * Emits a ready-made event. Never throws.
   *
   * @return true if accepted, false if dropped (see {@link #health()})
   */
  public boolean emit(StreamllEvent event) {
    return emitter.emit(event);
  }

  /**
   * Wraps {@code impl} in a proxy that traces each call of {@code type}'s methods: a span with
   * {@code module_name} = the implementation's simple name and {@code method_name} = the method.
   */
  public <T> T instrument(Class<T> type, T impl) {
    return InstrumentationProxy.create(this, type, impl);
  }

  /**
   * The version of {@code moduleClass}'s {@code entryMethod} under this instance's version tracking
   * ({@link VersionInfo#NONE} when it is off): pass it to {@link SpanBuilder#version} for spans you
   * open by hand. Computed once per class and method, then cached.
   */
  public VersionInfo versionOf(Class<?> moduleClass, String entryMethod) {
    return versions.versionOf(moduleClass, entryMethod);
  }

  /**
   * Waits until every event emitted before this call is in the journal and confirmed by every sink,
   * or the timeout passes. The journal is forced to disk now rather than at its next fsync
   * interval, so {@link FlushResult#durable()} does not wait for that interval.
   */
  public FlushResult flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long target = emitter.awaitAppended(timeout);
    Map<String, Long> outstanding = new LinkedHashMap<>();
    if (target < 0) {
      forwarders.forEach(
          f -> outstanding.put(f.sink().name(), f.outstanding(journal.nextSequence())));
      return new FlushResult(false, -1, outstanding, false);
    }
    // Durable now, not at the next fsync interval (up to a second away by default).
    journal.sync();
    boolean complete = true;
    for (Forwarder forwarder : forwarders) {
      long remaining = Math.max(0, deadline - System.nanoTime());
      complete &= forwarder.awaitDelivered(target, Duration.ofNanos(remaining));
      outstanding.put(forwarder.sink().name(), forwarder.outstanding(target));
    }
    boolean durable =
        journal.awaitDurable(target, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    return new FlushResult(complete, target, outstanding, durable);
  }

  public Health health() {
    List<SinkHealth> sinks = new ArrayList<>();
    forwarders.forEach(f -> sinks.add(f.health()));
    return new Health(
        !closed.get(),
        emitter.accepted(),
        emitter.queued(),
        emitter.dropped(),
        emitter.lastError(),
        emitter.lastErrorAt(),
        journal.stats(),
        sinks);
  }

  /** The journal this instance writes to (for tools and tests). */
  public Journal journal() {
    return journal;
  }

  public StreamllConfig config() {
    return config;
  }

  public EventCodec codec() {
    return codec;
  }

  /** The span current on this thread, or null. */
  public static Span currentSpan() {
    return Span.current();
  }

  /** {@code task} runs with the span that is current now, wherever it runs. */
  public static Runnable wrap(Runnable task) {
    Span captured = Span.current();
    return () -> {
      Span before = Span.swapCurrent(captured);
      try {
        task.run();
      } finally {
        Span.swapCurrent(before);
      }
    };
  }

  /** {@code task} runs with the span that is current now, wherever it runs. */
  public static <T> Callable<T> wrap(Callable<T> task) {
    Span captured = Span.current();
    return () -> {
      Span before = Span.swapCurrent(captured);
      try {
        return task.call();
      } finally {
        Span.swapCurrent(before);
      }
    };
  }

  /** An executor that runs each task with the span current at submission. */
  public static Executor wrap(Executor executor) {
    return task -> executor.execute(wrap(task));
  }

  /** Closes with the configured close timeout. */
  @Override
  public void close() {
    close(config.closeTimeout());
  }

  /**
   * Stops accepting events, writes everything already accepted to the journal, gives the sinks
   * until {@code timeout} to confirm it, then stops every thread and closes the journal. Events not
   * confirmed in time stay in a durable journal for the next start.
   *
   * @return what was still outstanding per sink
   */
  public FlushResult close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return new FlushResult(true, journal.nextSequence(), Map.of(), true);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    emitter.close();
    long target = journal.nextSequence();
    Map<String, Long> outstanding = new LinkedHashMap<>();
    boolean complete = true;
    for (Forwarder forwarder : forwarders) {
      complete &=
          forwarder.awaitDelivered(
              target, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    for (Forwarder forwarder : forwarders) {
      forwarder.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      outstanding.put(forwarder.sink().name(), forwarder.outstanding(target));
    }
    // Closing the journal forces what it holds to disk under every fsync policy but NONE.
    journal.close();
    synchronized (GLOBAL_LOCK) {
      if (global == this) {
        global = null;
      }
    }
    if (!complete) {
      log.warn("StreamLL closed with undelivered events: {}", outstanding);
    }
    return new FlushResult(complete, target, outstanding, journal.durableSequence() >= target);
  }
}
