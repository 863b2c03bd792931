package dev.streamll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.CircuitState;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.forward.SinkHealth;
import dev.streamll.testing.CollectingSink;
import dev.streamll.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sinks that fail, hang or ignore interruption: the forwarder contains them. */
class ForwarderFaultTest {
  private final CollectingSink sink = new CollectingSink("flaky");
  private Streamll streamll;

  @AfterEach
  void close() {
    if (streamll != null) {
      streamll.close(Duration.ofSeconds(2));
    }
  }

  private SinkHealth health() {
    return streamll.health().sink("flaky");
  }

  private void emit(int count) {
    for (int i = 0; i < count; i++) {
      assertThat(streamll.emit(StreamllEvent.builder().operation("op" + i).build())).isTrue();
    }
  }

  @Test
  void failuresOpenTheCircuitWhichProbesAfterTheRecoveryTimeoutAndDeliversEverything() {
    ManualClock clock = new ManualClock();
    sink.failWith(new IllegalStateException("backend down"));
    streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .clock(clock)
                .sink(
                    SinkConfig.of(sink)
                        .options(
                            ForwarderOptions.builder()
                                .circuitBreaker(5, Duration.ofSeconds(30))
                                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                                .build()))
                .build());
    emit(50);

    await()
        .until(
            () -> {
              clock.advance(Duration.ofSeconds(1));
              return health().circuit() == CircuitState.OPEN;
            });
    SinkHealth open = health();
    assertThat(open.failedAttempts()).isEqualTo(5);
    assertThat(open.lastError()).isEqualTo("backend down");
    assertThat(open.lag()).isEqualTo(50);
    int callsWhileOpen = sink.writeCalls();

    sink.healthy();
    clock.advance(Duration.ofSeconds(28));
    assertThat(streamll.flush(Duration.ofMillis(200)).complete()).isFalse();
    assertThat(sink.writeCalls()).as("no attempt while open").isEqualTo(callsWhileOpen);

    clock.advance(Duration.ofSeconds(2));
    assertThat(streamll.flush(Duration.ofSeconds(5)).complete()).isTrue();
    assertThat(health().circuit()).isEqualTo(CircuitState.CLOSED);
    assertThat(sink.confirmed()).hasSize(50);
    assertThat(health().delivered()).isEqualTo(50);
  }

  @Test
  void aHangingSinkIsTimedOutRetriedAndNeverBlocksTheApplication() throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    sink.behaviour(
        batch -> {
          try {
            unblock.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
          }
        });
    streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(
                    SinkConfig.of(sink)
                        .options(
                            ForwarderOptions.builder()
                                .writeTimeout(Duration.ofMillis(100))
                                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                                .circuitBreaker(100, Duration.ofSeconds(1))
                                .build()))
                .build());

    long start = System.nanoTime();
    emit(1000);
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(1).toNanos());
    await().until(() -> health().failedAttempts() >= 2);
    assertThat(health().lastError()).contains("writeTimeout");

    unblock.countDown();
    assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
    assertThat(sink.confirmed()).hasSizeGreaterThanOrEqualTo(1000);
  }

  @Test
  void aSinkThatIgnoresInterruptionIsAbandonedAndDeliveryContinuesOnAFreshThread() {
    AtomicBoolean stuck = new AtomicBoolean(true);
    AtomicBoolean firstCall = new AtomicBoolean(true);
    sink.behaviour(
        batch -> {
          if (firstCall.getAndSet(false)) {
            while (stuck.get()) {
              Thread.onSpinWait();
            }
            throw new IllegalStateException("woke up too late");
          }
        });
    streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(
                    SinkConfig.of(sink)
                        .options(
                            ForwarderOptions.builder()
                                .writeTimeout(Duration.ofMillis(100))
                                .backoff(Duration.ofMillis(10), Duration.ofMillis(20))
                                .build()))
                .build());
    emit(10);

    try {
      assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
      assertThat(sink.confirmed()).hasSize(10);
      assertThat(health().failedAttempts()).isEqualTo(1);
    } finally {
      stuck.set(false);
    }
  }

  @Test
  void uncheckedExceptionsAndErrorsFromWriteAreRetriedNotPropagated() {
    AtomicBoolean fail = new AtomicBoolean(true);
    sink.behaviour(
        batch -> {
          if (fail.getAndSet(false)) {
            throw new NullPointerException("sink bug");
          }
        });
    streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(
                    SinkConfig.of(sink)
                        .options(
                            ForwarderOptions.builder()
                                .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                                .build()))
                .build());
    emit(5);
    assertThat(streamll.flush(Duration.ofSeconds(5)).complete()).isTrue();
    assertThat(sink.confirmed()).hasSize(5);
    assertThat(health().failedAttempts()).isEqualTo(1);
  }
}
