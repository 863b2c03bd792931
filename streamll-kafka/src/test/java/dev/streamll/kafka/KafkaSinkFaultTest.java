package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults a real broker cannot be made to produce on cue: a fatal error while several batches are in
 * flight (with kafka-clients' own {@link MockProducer}, which answers only when told to), and a
 * send blocked on metadata that the forwarder's write timeout interrupts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaSinkFaultTest {
  private final EventCodec codec = new EventCodec();

  @Test
  void aFatalErrorFailsEveryBatchInFlightAndTheNextBatchGetsANewProducer() throws Exception {
    List<MockProducer<byte[], byte[]>> producers = new CopyOnWriteArrayList<>();
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers("localhost:9092")
            .topic("t")
            .producerFactory(
                settings -> {
                  MockProducer<byte[], byte[]> producer =
                      new MockProducer<>(
                          false, null, new ByteArraySerializer(), new ByteArraySerializer());
                  producers.add(producer);
                  return producer;
                })
            .build();
    CompletableFuture<Void> first = sink.writeAsync(batch(0, 3)).toCompletableFuture();
    CompletableFuture<Void> second = sink.writeAsync(batch(3, 3)).toCompletableFuture();
    MockProducer<byte[], byte[]> broken = producers.get(0);
    assertThat(broken.completeNext()).isTrue();
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();

    // The second record of the first batch fails fatally; the rest of both batches never answer.
    assertThat(broken.errorNext(new TopicAuthorizationException("not allowed"))).isTrue();

    assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("not authorized for topic 't'");
    assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .hasMessageContaining("not authorized for topic 't'");
    assertThat(broken.closed()).as("the broken producer is closed on the next batch").isFalse();

    CompletableFuture<Void> third = sink.writeAsync(batch(6, 2)).toCompletableFuture();
    assertThat(broken.closed()).isTrue();
    assertThat(producers).hasSize(2);
    MockProducer<byte[], byte[]> fresh = producers.get(1);
    assertThat(fresh.history()).hasSize(2);
    assertThat(fresh.completeNext()).isTrue();
    assertThat(third).isNotDone();
    assertThat(fresh.completeNext()).isTrue();
    third.get(5, TimeUnit.SECONDS);
    sink.close();
  }

  @Test
  void closingFailsBatchesStillInFlight() throws Exception {
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers("localhost:9092")
            .topic("t")
            .producerFactory(
                settings ->
                    new MockProducer<>(
                        false, null, new ByteArraySerializer(), new ByteArraySerializer()))
            .build();
    CompletableFuture<Void> pending = sink.writeAsync(batch(0, 2)).toCompletableFuture();
    sink.close();
    assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("closed before Kafka answered");
  }

  @Test
  void interruptingASendBlockedOnMetadataEndsItWithInterruptedException() throws Exception {
    // Nothing listens on port 1: send waits for metadata up to max.block.ms (60 s here).
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers("localhost:1")
            .topic("t")
            .property("max.block.ms", "60000")
            .property("delivery.timeout.ms", "70000")
            .build();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                sink.writeAsync(batch(0, 3));
              } catch (Throwable e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
              }
            });
    writer.start();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> writer.getState() == Thread.State.TIMED_WAITING);
    writer.interrupt();
    writer.join(10_000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(stillInterrupted.get()).isFalse();
    sink.close();
  }

  private List<EncodedEvent> batch(int from, int count) {
    List<EncodedEvent> batch = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      StreamllEvent event =
          StreamllEvent.builder()
              .executionId("exec")
              .moduleName("test")
              .operation("llm_call")
              .eventType("token")
              .data("n", n)
              .build();
      batch.add(EncodedEvent.of(n, event, codec));
    }
    return batch;
  }
}
