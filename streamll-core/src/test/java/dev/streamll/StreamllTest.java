package dev.streamll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.streamll.event.EventTypes;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.EventFilter;
import dev.streamll.testing.BlockingJournal;
import dev.streamll.testing.CollectingSink;
import dev.streamll.testing.EventSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamllTest {
  private final CollectingSink sink = new CollectingSink("collect");
  private final List<Streamll> opened = new ArrayList<>();
  private final List<BlockingJournal> stalled = new ArrayList<>();

  private Streamll start(StreamllConfig.Builder builder) {
    Streamll streamll = Streamll.create(builder.build());
    opened.add(streamll);
    return streamll;
  }

  private Streamll start() {
    return start(StreamllConfig.builder().inMemoryJournal().sink(sink));
  }

  /** A journal whose appends wait for its release; released after the test, whatever happened. */
  private BlockingJournal stalledJournal() {
    BlockingJournal journal = new BlockingJournal();
    stalled.add(journal);
    return journal;
  }

  @AfterEach
  void closeAll() {
    // A failed test may leave the writer waiting in the journal; close would wait for it.
    stalled.forEach(BlockingJournal::release);
    opened.forEach(Streamll::close);
  }

  @Test
  void nestedSpansShareTheExecutionAndNameTheirParent() {
    Streamll streamll = start();
    try (Span outer = streamll.span("module_forward").module("Pipeline").start()) {
      try (Span inner = streamll.trace("llm_call")) {
        inner.token("Hel").token("lo");
        inner.set("gen_ai.usage.output_tokens", 2);
      }
      outer.emit("checkpoint", Map.of("step", 1));
    }

    assertThat(streamll.flush(Duration.ofSeconds(5)).complete()).isTrue();
    List<StreamllEvent> events = sink.events();
    assertThat(events)
        .extracting(StreamllEvent::operation, StreamllEvent::eventType)
        .containsExactly(
            tuple("module_forward", "start"),
            tuple("llm_call", "start"),
            tuple("llm_call", "token"),
            tuple("llm_call", "token"),
            tuple("llm_call", "end"),
            tuple("module_forward", "checkpoint"),
            tuple("module_forward", "end"));
    StreamllEvent outerStart = events.get(0);
    StreamllEvent innerEnd = events.get(4);
    assertThat(events)
        .allSatisfy(e -> assertThat(e.executionId()).isEqualTo(outerStart.executionId()));
    assertThat(outerStart.parentId()).isNull();
    assertThat(innerEnd.parentId()).isEqualTo(outerStart.spanId());
    assertThat(innerEnd.moduleName()).as("inherited from the parent").isEqualTo("Pipeline");
    assertThat(events.get(3).data()).containsEntry("token", "lo").containsEntry("token_index", 1);
    assertThat(innerEnd.data())
        .containsKey("duration_seconds")
        .containsEntry("gen_ai.usage.output_tokens", 2);
    sink.confirmed().forEach(e -> EventSchema.assertValid(e.json()));
    assertThat(Span.current()).isNull();
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }

  @Test
  void aFailedSpanEmitsAnErrorWithTypeMessageAndBoundedStackTrace() {
    Streamll streamll = start();
    assertThatThrownBy(
            () ->
                streamll.run(
                    "tool_call",
                    () -> {
                      throw new IllegalStateException("weather service down");
                    }))
        .isInstanceOf(IllegalStateException.class);

    streamll.flush(Duration.ofSeconds(5));
    StreamllEvent error = sink.events().get(1);
    assertThat(error.eventType()).isEqualTo(EventTypes.ERROR);
    assertThat(error.data())
        .containsEntry("error_type", "java.lang.IllegalStateException")
        .containsEntry("error_message", "weather service down");
    assertThat((String) error.data().get("stack_trace"))
        .contains("IllegalStateException")
        .hasSizeLessThanOrEqualTo(4200);
  }

  @Test
  void tagsComeFromGlobalInstanceAndSpanLevels() {
    Streamll.globalTag("region", "eu");
    Streamll streamll =
        start(StreamllConfig.builder().inMemoryJournal().sink(sink).tag("service", "chat"));
    try (Span span = streamll.span("llm_call").tag("customer_id", "c-1").start()) {
      try (Span child = streamll.trace("retrieve")) {
        child.tag("k", "v");
      }
    }
    streamll.flush(Duration.ofSeconds(5));
    assertThat(sink.events().get(0).tags())
        .containsEntry("region", "eu")
        .containsEntry("service", "chat")
        .containsEntry("customer_id", "c-1");
    assertThat(sink.events().get(1).tags()).containsEntry("customer_id", "c-1");
    assertThat(sink.events().get(2).tags()).containsEntry("k", "v");
  }

  @Test
  void theCurrentSpanFollowsTasksAcrossWrappedExecutors() throws Exception {
    Streamll streamll = start();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Span parent = streamll.trace("module_forward")) {
      CompletableFuture.runAsync(() -> streamll.trace("retrieve").close(), Streamll.wrap(pool))
          .get();
      pool.submit(Streamll.wrap(() -> streamll.trace("rerank").close())).get();
      pool.submit(() -> streamll.trace("unwrapped").close()).get();
    } finally {
      pool.shutdown();
    }
    streamll.flush(Duration.ofSeconds(5));
    Map<String, StreamllEvent> starts = new java.util.HashMap<>();
    sink.events().stream()
        .filter(e -> e.eventType().equals("start"))
        .forEach(e -> starts.put(e.operation(), e));
    String parentSpan = starts.get("module_forward").spanId();
    assertThat(starts.get("retrieve").parentId()).isEqualTo(parentSpan);
    assertThat(starts.get("rerank").parentId()).isEqualTo(parentSpan);
    assertThat(starts.get("unwrapped").parentId()).isNull();
  }

  @Test
  void eachSinkSeesOnlyWhatItsFilterAccepts() {
    CollectingSink alerts = new CollectingSink("alerts");
    Streamll streamll =
        start(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(sink)
                .sink(SinkConfig.of(alerts).filter(EventFilter.eventTypes(EventTypes.ERROR))));
    streamll.trace("ok").close();
    try (Span failing = streamll.trace("bad")) {
      failing.fail(new RuntimeException("boom"));
    }

    assertThat(streamll.flush(Duration.ofSeconds(5)).complete()).isTrue();
    assertThat(sink.events()).hasSize(4);
    assertThat(alerts.events()).extracting(StreamllEvent::operation).containsExactly("bad");
  }

  @Test
  void aFullRingDropsAndCountsWithoutBlockingTheCaller() throws Exception {
    BlockingJournal journal = stalledJournal();
    Streamll streamll =
        start(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(sink)
                .ringCapacity(16)
                .journal(() -> journal, "blocking"));
    streamll.trace("first").close();
    journal.awaitFirstAppend();

    int accepted = 0;
    long startNanos = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      if (streamll.emit(StreamllEvent.builder().operation("flood").build())) {
        accepted++;
      }
    }
    long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;

    assertThat(elapsedMillis).as("emit never waits under DROP").isLessThan(1000);
    Map<String, Long> dropped = streamll.health().dropped();
    assertThat(dropped.get("ring_full")).isEqualTo(100 - accepted).isPositive();
    journal.release();
    FlushResult flushed = streamll.flush(Duration.ofSeconds(5));
    assertThat(flushed.complete()).isTrue();
    assertThat(sink.confirmed()).hasSize(2 + accepted);
  }

  @Test
  void blockWhenFullDropsOnlyAfterItsTimeout() throws Exception {
    BlockingJournal journal = stalledJournal();
    Streamll streamll =
        start(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(sink)
                .ringCapacity(4)
                .blockWhenFull(Duration.ofMillis(50))
                .journal(() -> journal, "blocking"));
    streamll.trace("first").close();
    journal.awaitFirstAppend();
    long startNanos = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      streamll.emit(StreamllEvent.builder().operation("flood").build());
    }
    assertThat(System.nanoTime() - startNanos)
        .isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(streamll.health().dropped().get("ring_full")).isPositive();
    journal.release();
  }

  private static List<Thread> startThreads(int count, Runnable body) {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      Thread thread = new Thread(body);
      thread.start();
      threads.add(thread);
    }
    return threads;
  }

  /**
   * An instance whose writer is stuck in the journal's first append and whose ring of four is full,
   * so that the next emit waits up to {@code blockTimeout}.
   */
  private Streamll startWithFullRing(BlockingJournal journal, Duration blockTimeout)
      throws InterruptedException {
    Streamll streamll =
        start(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(sink)
                .ringCapacity(4)
                .blockWhenFull(blockTimeout)
                .journal(() -> journal, "blocking"));
    streamll.trace("first").close();
    journal.awaitFirstAppend();
    while (streamll.health().queued() < 4) {
      streamll.emit(StreamllEvent.builder().operation("fill").build());
    }
    return streamll;
  }

  @Test
  void blockWhenFullResumesTheCallerOnceThereIsSpace() throws Exception {
    BlockingJournal journal = stalledJournal();
    Streamll streamll = startWithFullRing(journal, Duration.ofSeconds(30));
    CompletableFuture<Boolean> blocked =
        CompletableFuture.supplyAsync(
            () -> streamll.emit(StreamllEvent.builder().operation("late").build()));
    assertThat(blocked).isNotDone();

    journal.release();

    assertThat(blocked.get()).isTrue();
    assertThat(streamll.flush(Duration.ofSeconds(5)).complete()).isTrue();
    assertThat(sink.events()).extracting(StreamllEvent::operation).contains("late");
    assertThat(streamll.health().dropped().get("ring_full")).isZero();
  }

  @Test
  void blockWhenFullResumesEveryWaitingCallerOnceThereIsSpace() throws Exception {
    BlockingJournal journal = stalledJournal();
    Streamll streamll = startWithFullRing(journal, Duration.ofSeconds(30));
    AtomicLong accepted = new AtomicLong();
    List<Thread> producers =
        startThreads(
            8,
            () -> {
              for (int i = 0; i < 50; i++) {
                if (streamll.emit(StreamllEvent.builder().operation("waiting").build())) {
                  accepted.incrementAndGet();
                }
              }
            });
    await()
        .until(() -> producers.stream().allMatch(p -> p.getState() == Thread.State.TIMED_WAITING));

    journal.release();

    // Well inside the 30 s block timeout: every waiting caller is woken, not only the first.
    for (Thread producer : producers) {
      producer.join(10_000);
      assertThat(producer.isAlive()).as("still blocked: %s", producer).isFalse();
    }
    assertThat(accepted.get()).isEqualTo(400);
    assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
    assertThat(sink.events()).filteredOn(e -> e.operation().equals("waiting")).hasSize(400);
    assertThat(streamll.health().dropped().get("ring_full")).isZero();
  }

  @Test
  void anInterruptedCallerStopsWaitingForSpaceAndKeepsItsInterrupt() throws Exception {
    BlockingJournal journal = stalledJournal();
    Streamll streamll = startWithFullRing(journal, Duration.ofSeconds(60));
    CompletableFuture<List<Boolean>> outcome = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              boolean accepted = streamll.emit(StreamllEvent.builder().operation("late").build());
              outcome.complete(List.of(accepted, Thread.currentThread().isInterrupted()));
            });
    caller.start();
    await().until(() -> caller.getState() == Thread.State.TIMED_WAITING);

    caller.interrupt();

    // Refused well before the 60 s block timeout, the interrupt still set for the application.
    assertThat(outcome.get(10, TimeUnit.SECONDS)).containsExactly(false, true);
    assertThat(streamll.health().dropped()).containsEntry("ring_full", 1L);
    journal.release();
    assertThat(streamll.flush(Duration.ofSeconds(5)).complete()).isTrue();
  }

  @Test
  void closeReleasesCallersBlockedOnAFullRing() throws Exception {
    BlockingJournal journal = stalledJournal();
    Streamll streamll = startWithFullRing(journal, Duration.ofSeconds(60));
    CompletableFuture<Boolean> blocked =
        CompletableFuture.supplyAsync(
            () -> streamll.emit(StreamllEvent.builder().operation("late").build()),
            runnable -> new Thread(runnable).start());
    assertThat(blocked).isNotDone();

    CompletableFuture<FlushResult> closing =
        CompletableFuture.supplyAsync(
            () -> streamll.close(Duration.ofSeconds(30)), runnable -> new Thread(runnable).start());

    // Refused at once, not after the 60 s block timeout, while the journal is still stalled.
    assertThat(blocked.get(10, TimeUnit.SECONDS)).isFalse();
    journal.release();
    assertThat(closing.get(30, TimeUnit.SECONDS).complete()).isTrue();
    assertThat(sink.events()).extracting(StreamllEvent::operation).doesNotContain("late");
    assertThat(streamll.health().dropped())
        .containsEntry("closed", 1L)
        .containsEntry("ring_full", 0L);
  }

  @Test
  void closeWhileEventsFlowDeliversEverythingThatWasAccepted() throws Exception {
    Streamll streamll = start();
    AtomicLong accepted = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> producers =
        startThreads(
            4,
            () -> {
              while (!stop.get()) {
                if (streamll.emit(StreamllEvent.builder().operation("load").build())) {
                  accepted.incrementAndGet();
                }
              }
            });
    await().until(() -> accepted.get() > 20_000);

    FlushResult result = streamll.close(Duration.ofSeconds(20));
    stop.set(true);
    for (Thread producer : producers) {
      producer.join();
    }

    assertThat(result.complete()).isTrue();
    Set<String> ids = new HashSet<>();
    sink.confirmed().forEach(e -> ids.add(e.event().eventId()));
    assertThat(sink.confirmed()).hasSize((int) accepted.get());
    assertThat(ids).hasSize((int) accepted.get());
    assertThat(streamll.health().dropped().get("closed")).isPositive();
    assertThat(streamll.emit(StreamllEvent.builder().build())).isFalse();
  }

  @Test
  void reconfiguringTheGlobalInstanceWhileEventsFlowLosesNothingAccepted() throws Exception {
    CollectingSink first = new CollectingSink("first");
    CollectingSink second = new CollectingSink("second");
    Streamll.configure(StreamllConfig.builder().inMemoryJournal().sink(first).build());
    AtomicLong accepted = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    Thread producer =
        new Thread(
            () -> {
              while (!stop.get()) {
                if (Streamll.global().emit(StreamllEvent.builder().operation("load").build())) {
                  accepted.incrementAndGet();
                }
              }
            });
    producer.start();
    await().until(() -> accepted.get() > 10_000);

    Streamll replacement =
        Streamll.configure(StreamllConfig.builder().inMemoryJournal().sink(second).build());
    await().until(() -> second.confirmed().size() > 1_000);
    stop.set(true);
    producer.join();
    replacement.close();

    assertThat(first.confirmed().size() + second.confirmed().size()).isEqualTo(accepted.get());
  }

  @Test
  void closeStopsEveryThreadTheInstanceStarted(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Set<Thread> before = streamllThreads();
    Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .journalDirectory(dir)
                .sink(sink)
                .sink(SinkConfig.of(new CollectingSink("second")))
                .build());
    streamll.trace("op").close();
    FlushResult flushed = streamll.flush(Duration.ofSeconds(5));
    assertThat(flushed.complete()).isTrue();
    assertThat(flushed.durable()).as("interval fsync within the 5 s flush").isTrue();
    assertThat(streamllThreads()).isNotEmpty();

    streamll.close();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(streamllThreads()).isSubsetOf(before));
  }

  private static Set<Thread> streamllThreads() {
    Set<Thread> threads = new HashSet<>();
    Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(thread -> thread.getName().startsWith("streamll-"))
        .forEach(threads::add);
    return threads;
  }

  @Test
  void aSinkThatCannotStartFailsConfigurationWithItsNameAndTheFix() {
    CollectingSink broken =
        new CollectingSink("redis://localhost:1")
            .failStartWith(
                new IllegalStateException("connection refused — is redis-server running?"));
    assertThatThrownBy(() -> start(StreamllConfig.builder().inMemoryJournal().sink(broken)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redis://localhost:1")
        .hasMessageContaining("connection refused")
        .hasMessageContaining("checkSinksAtStart(false)");
  }

  @Test
  void unknownAndMissingSchemesFailAtConfigureTimeNamingTheFix() {
    assertThatThrownBy(() -> StreamllConfig.builder().sink("redis://localhost:6379"))
        .hasMessageContaining("streamll-redis");
    assertThatThrownBy(() -> StreamllConfig.builder().sink("mqtt://localhost"))
        .hasMessageContaining("unknown scheme 'mqtt'")
        .hasMessageContaining("terminal");
    assertThatThrownBy(() -> StreamllConfig.builder().sink("no scheme here"))
        .hasMessageContaining("malformed");
    assertThatThrownBy(() -> StreamllConfig.builder().sink("terminal:?tokens=maybe"))
        .hasMessageContaining("'tokens'");
  }
}
