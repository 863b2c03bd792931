package dev.streamll.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import dev.streamll.sink.SinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Confirm sequences the shared broker cannot be made to produce on demand — acks out of order, a
 * {@code multiple=true} ack spanning batches, a nack in the middle — fed to the tracker as
 * amqp-client's I/O thread would. The end-to-end behaviour is covered by {@link
 * RabbitMqAsyncSinkTest}.
 */
class ConfirmTrackerTest {
  private final ConfirmTracker tracker = new ConfirmTracker("events");
  private long nextSequence = 1;

  /** A sealed batch of {@code size} messages with consecutive sequence numbers. */
  private ConfirmTracker.Batch batch(int size) {
    ConfirmTracker.Batch batch = tracker.begin();
    for (int i = 0; i < size; i++) {
      long sequence = nextSequence++;
      tracker.expect(batch, sequence, "ChatBot.start", "id-" + sequence);
    }
    tracker.seal(batch);
    return batch;
  }

  private static String failure(ConfirmTracker.Batch batch) {
    CompletableFuture<Void> stage = batch.stage();
    assertThat(stage).isCompletedExceptionally();
    ExecutionException e = assertThrows(ExecutionException.class, stage::get);
    assertThat(e.getCause()).isInstanceOf(SinkException.class);
    return e.getCause().getMessage();
  }

  @Test
  void aMultipleAckSpanningBatchesCompletesEachInOrder() {
    ConfirmTracker.Batch first = batch(3);
    ConfirmTracker.Batch second = batch(2);
    ConfirmTracker.Batch third = batch(3);
    List<String> order = new ArrayList<>();
    first.stage().thenRun(() -> order.add("first"));
    second.stage().thenRun(() -> order.add("second"));

    tracker.handleAck(6, true);

    assertThat(order).containsExactly("first", "second");
    assertThat(third.stage()).isNotDone();
    tracker.handleAck(8, false);
    tracker.handleAck(7, false);
    assertThat(third.stage()).isCompleted();
    assertThat(tracker.failed()).isFalse();
  }

  @Test
  void acksOutOfOrderCompleteALaterBatchFirst() {
    ConfirmTracker.Batch first = batch(2);
    ConfirmTracker.Batch second = batch(2);

    tracker.handleAck(4, false);
    tracker.handleAck(3, false);
    tracker.handleAck(2, false);

    assertThat(second.stage()).isCompleted();
    assertThat(first.stage()).isNotDone();
    tracker.handleAck(1, false);
    assertThat(first.stage()).isCompleted();
  }

  @Test
  void aBatchCompletesOnlyOnceAllOfItIsPublished() {
    ConfirmTracker.Batch batch = tracker.begin();
    tracker.expect(batch, 1, "ChatBot.start", "a");
    tracker.handleAck(1, false);
    assertThat(batch.stage()).as("still publishing").isNotDone();
    tracker.expect(batch, 2, "ChatBot.start", "b");
    tracker.seal(batch);
    assertThat(batch.stage()).isNotDone();
    tracker.handleAck(2, false);
    assertThat(batch.stage()).isCompleted();

    ConfirmTracker.Batch empty = tracker.begin();
    tracker.seal(empty);
    assertThat(empty.stage()).isCompleted();
  }

  @Test
  void aNackFailsTheBatchesItCoversAndTheOthersKeepCollectingAcks() {
    ConfirmTracker.Batch first = batch(2);
    ConfirmTracker.Batch second = batch(2);
    ConfirmTracker.Batch third = batch(2);

    tracker.handleNack(3, true);
    assertThat(failure(first)).contains("nack").contains("message 1");
    assertThat(failure(second)).contains("nack").contains("message 3");
    assertThat(tracker.failed()).isTrue();

    // The acks that still arrive for the nacked messages are ignored; the third batch completes.
    tracker.handleAck(6, true);
    assertThat(third.stage()).isCompleted();
  }

  @Test
  void aReturnFailsTheBatchHoldingTheReturnedMessage() {
    ConfirmTracker.Batch first = batch(2);
    ConfirmTracker.Batch second = batch(2);
    AMQP.BasicProperties returnedProps =
        new AMQP.BasicProperties.Builder().messageId("id-4").build();

    tracker.handleReturn(312, "NO_ROUTE", "events", "Retriever.start", returnedProps, new byte[0]);
    tracker.handleAck(4, true);

    assertThat(first.stage()).isCompleted();
    assertThat(failure(second)).contains("unroutable").contains("'Retriever.start'");
  }

  @Test
  void shutdownFailsEveryOutstandingBatchAndEveryLaterOne() {
    ConfirmTracker.Batch first = batch(2);
    ConfirmTracker.Batch second = batch(2);
    tracker.handleAck(1, false);

    tracker.shutdownCompleted(new ShutdownSignalException(true, false, null, null));

    assertThat(failure(first)).contains("closed before all confirms arrived");
    assertThat(failure(second)).contains("closed before all confirms arrived");
    assertThat(failure(tracker.begin())).contains("closed before all confirms arrived");
  }

  @Test
  void aStageTheCallerGaveUpOnMarksTheChannelFailed() {
    ConfirmTracker.Batch first = batch(2);
    ConfirmTracker.Batch second = batch(2);

    first.stage().cancel(false);
    assertThat(tracker.failed()).isTrue();
    tracker.failAll("replaced");

    assertThat(failure(second)).isEqualTo("replaced");
    assertThatThrownBy(() -> first.stage().get()).isInstanceOf(CancellationException.class);
  }
}
