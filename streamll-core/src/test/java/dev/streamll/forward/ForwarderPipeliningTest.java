package dev.streamll.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.InMemoryJournal;
import dev.streamll.sink.AsyncSink;
import dev.streamll.sink.EncodedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several batches in flight on an {@link AsyncSink}: the cursor moves strictly in order, a failure
 * resends that batch and every later one, a stage that never completes is timed out.
 */
class ForwarderPipeliningTest {
  private static final int EVENTS = 100;
  private static final int BATCH = 10;

  private final EventCodec codec = new EventCodec();
  private final InMemoryJournal journal = InMemoryJournal.create();
  private final ScriptedSink sink = new ScriptedSink();
  private Forwarder forwarder;

  @AfterEach
  void close() {
    if (forwarder != null) {
      forwarder.close(Duration.ofSeconds(2));
    }
    journal.close();
  }

  /** Appends the events before starting, so batches are exactly {@code BATCH} records each. */
  private void start(ForwarderOptions.Builder options, String... operations) {
    forwarder =
        new Forwarder(
            sink,
            journal,
            "pipelined",
            options.maxBatchSize(BATCH).linger(Duration.ZERO).build(),
            codec,
            MonotonicClock.system());
    for (int i = 0; i < EVENTS; i++) {
      String operation = operations.length == 0 ? "op" : operations[i / BATCH % operations.length];
      StreamllEvent event = StreamllEvent.builder().operation(operation).build();
      journal.append(codec.encode(event), 0);
    }
    journal.commit();
    forwarder.start();
  }

  private static ForwarderOptions.Builder options() {
    return ForwarderOptions.builder()
        .maxInFlightBatches(4)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  private boolean delivered(long events) {
    return forwarder.awaitDelivered(events, Duration.ofSeconds(10));
  }

  @Test
  void keepsUpToMaxInFlightBatchesOutstandingAndCommitsOnlyInOrder() {
    start(options());
    await().until(() -> sink.calls().size() == 4);
    assertThat(sink.firstSequences()).containsExactly(0L, 10L, 20L, 30L);

    sink.call(1).confirm();
    assertThat(forwarder.awaitDelivered(20, Duration.ofMillis(200)))
        .as("batch 2 is confirmed but batch 1 is not: the cursor must not move")
        .isFalse();
    assertThat(forwarder.outstanding(EVENTS)).isEqualTo(EVENTS);
    assertThat(sink.calls()).as("the window is still full").hasSize(4);

    sink.call(0).confirm();
    assertThat(delivered(20)).isTrue();
    await().until(() -> sink.calls().size() == 6);

    sink.confirmEverything();
    assertThat(delivered(EVENTS)).isTrue();
    assertThat(sink.firstSequences())
        .containsExactly(0L, 10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L);
    assertThat(forwarder.health().delivered()).isEqualTo(EVENTS);
    assertThat(forwarder.health().failedAttempts()).isZero();
  }

  @Test
  void aFailedBatchIsResentAloneThenWithEveryLaterBatchInOrder() {
    start(options());
    await().until(() -> sink.calls().size() == 4);
    // The oldest is confirmed last, so the forwarder sees all four outcomes at once.
    sink.call(1).fail(new IllegalStateException("reply lost"));
    sink.call(2).confirm();
    sink.call(3).confirm();
    sink.call(0).confirm();

    await().until(() -> sink.calls().size() == 5);
    assertThat(sink.call(4).firstSequence()).as("the failed batch, resent").isEqualTo(10L);
    assertThat(forwarder.awaitDelivered(20, Duration.ofMillis(200)))
        .as("the failed batch is not confirmed yet")
        .isFalse();
    assertThat(sink.calls())
        .as("nothing after the failed batch is sent while it is being resent")
        .hasSize(5);

    sink.call(4).confirm();
    sink.confirmEverything();
    assertThat(delivered(EVENTS)).isTrue();
    assertThat(sink.firstSequences())
        .containsExactly(0L, 10L, 20L, 30L, 10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L);
    SinkHealth health = forwarder.health();
    assertThat(health.failedAttempts()).isEqualTo(1);
    assertThat(health.lastError()).isEqualTo("reply lost");
    assertThat(health.circuit()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void aStageThatNeverCompletesIsTimedOutAndTheBatchResent() {
    sink.confirmAutomatically(call -> call.number() != 0);
    start(options().writeTimeout(Duration.ofMillis(200)));

    assertThat(delivered(EVENTS)).isTrue();
    assertThat(sink.call(0).stage())
        .as("the sink learns that the forwarder gave up on the stage it never completed")
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(TimeoutException.class);
    assertThat(forwarder.health().failedAttempts()).isEqualTo(1);
    assertThat(forwarder.health().lastError())
        .isEqualTo("sink scripted did not confirm a batch of 10 within writeTimeout PT0.2S");
    List<Long> firsts = sink.firstSequences();
    assertThat(firsts.subList(firsts.size() - 10, firsts.size()))
        .as("after the timeout every batch from the timed-out one on is sent again, in order")
        .containsExactly(0L, 10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L);
  }

  @Test
  void batchesFilteredOutEntirelyMoveTheCursorOnlyBehindOutstandingOnes() {
    start(options().filter(EventFilter.operations("keep")), "keep", "drop");
    await().until(() -> sink.calls().size() == 4);
    assertThat(sink.firstSequences()).containsExactly(0L, 20L, 40L, 60L);
    assertThat(forwarder.awaitDelivered(10, Duration.ofMillis(200))).isFalse();

    sink.confirmEverything();
    assertThat(delivered(EVENTS)).isTrue();
    assertThat(forwarder.health().delivered()).isEqualTo(EVENTS / 2);
  }

  @Test
  void closeWithBatchesOutstandingReturnsAndLeavesThemUnconfirmed() {
    start(options());
    await().until(() -> sink.calls().size() == 4);
    long start = System.nanoTime();
    forwarder.close(Duration.ofMillis(300));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(forwarder.outstanding(EVENTS)).isEqualTo(EVENTS);
    assertThat(sink.closed).isTrue();
    forwarder = null;
  }

  @Test
  void aFilterThatThrowsDoesNotStopTheForwarderAndTheEventsStillGoToTheSink() {
    sink.confirmAutomatically(call -> true);
    start(
        options()
            .filter(
                event -> {
                  throw new NullPointerException("bug in the application's filter");
                }));
    assertThat(delivered(EVENTS)).isTrue();
    assertThat(forwarder.health().running()).isTrue();
    assertThat(forwarder.health().delivered()).isEqualTo(EVENTS);
  }

  @Test
  void aStageThatCannotBeCompletedFromOutsideIsStillTimedOutAndResent() {
    sink.confirmAutomatically(call -> call.number() != 0);
    sink.stageSealedFromOutside();
    start(options().writeTimeout(Duration.ofMillis(200)));
    assertThat(delivered(EVENTS)).isTrue();
    assertThat(forwarder.health().running()).isTrue();
    assertThat(forwarder.health().failedAttempts()).isEqualTo(1);
  }

  @Test
  void closeDuringALongBackoffReturnsWithinItsDeadline() {
    sink.confirmAutomatically(call -> false);
    start(options().backoff(Duration.ofSeconds(20), Duration.ofSeconds(20)));
    await().until(() -> sink.calls().size() == 4);
    sink.call(0).fail(new IllegalStateException("down"));
    await().until(() -> forwarder.health().failedAttempts() == 1);
    sink.calls().forEach(call -> call.fail(new IllegalStateException("down")));
    long start = System.nanoTime();
    forwarder.close(Duration.ofMillis(200));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
    assertThat(forwarder.outstanding(EVENTS)).isEqualTo(EVENTS);
    forwarder = null;
  }

  /** An asynchronous sink whose stages the test completes. */
  static final class ScriptedSink implements AsyncSink {
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Predicate<Call> autoConfirm = call -> false;
    private volatile boolean sealed;
    volatile boolean closed;

    /**
     * Hands out stages whose toCompletableFuture() throws, as the CompletionStage contract allows.
     */
    void stageSealedFromOutside() {
      sealed = true;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public CompletionStage<Void> writeAsync(List<EncodedEvent> batch) {
      Call call = new Call(calls.size(), List.copyOf(batch));
      calls.add(call);
      if (autoConfirm.test(call)) {
        call.confirm();
      }
      return sealed ? new SealedStage(call.stage) : call.stage;
    }

    void confirmAutomatically(Predicate<Call> which) {
      autoConfirm = which;
    }

    /** Confirms every call made so far and every later one. */
    void confirmEverything() {
      autoConfirm = call -> true;
      calls.forEach(Call::confirm);
    }

    List<Call> calls() {
      return calls;
    }

    Call call(int number) {
      return calls.get(number);
    }

    List<Long> firstSequences() {
      List<Long> firsts = new ArrayList<>();
      calls.forEach(call -> firsts.add(call.firstSequence()));
      return firsts;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  record Call(int number, List<EncodedEvent> batch, CompletableFuture<Void> stage) {
    Call(int number, List<EncodedEvent> batch) {
      this(number, batch, new CompletableFuture<>());
    }

    long firstSequence() {
      return batch.get(0).sequence();
    }

    void confirm() {
      stage.complete(null);
    }

    void fail(Exception error) {
      stage.completeExceptionally(error);
    }
  }

  /** A stage that forwards completion but refuses toCompletableFuture(). */
  static final class SealedStage extends CompletableFuture<Void> {
    SealedStage(CompletableFuture<Void> source) {
      source.whenComplete(
          (value, failure) -> {
            if (failure == null) {
              complete(value);
            } else {
              completeExceptionally(failure);
            }
          });
    }

    @Override
    public CompletableFuture<Void> toCompletableFuture() {
      throw new UnsupportedOperationException("sealed");
    }
  }
}
