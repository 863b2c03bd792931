package dev.streamll.sink;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A sink whose backend confirms asynchronously (Redis replies, Kafka send callbacks, RabbitMQ
 * publisher confirms), so that the forwarder can keep several batches in flight instead of waiting
 * one round trip per batch.
 *
 * <p>The forwarder calls {@link #writeAsync} from one thread at a time, in journal order, and calls
 * it again before earlier batches are confirmed (up to its {@code maxInFlightBatches}). It commits
 * its cursor strictly in order: a batch counts only once it and every batch before it completed
 * normally. When a stage completes exceptionally, the forwarder waits for the other outstanding
 * stages to settle, then resends that batch and every later one — so a backend may see an event
 * more than once, as with {@link Sink#write}, and consumers deduplicate by {@code event_id}.
 *
 * <p>{@code writeAsync} hands the batch to the client and returns; it may block briefly (a full
 * socket buffer, a client-side bound on outstanding requests), since it runs on the forwarder's
 * sink thread under the write timeout and is interrupted when that expires. The returned stage must
 * complete eventually — bound every wait with the client's own timeouts; the forwarder's {@code
 * writeTimeout} is the last resort: a stage that misses it is counted as failed, and the forwarder
 * completes it exceptionally with a {@link java.util.concurrent.TimeoutException} (through {@code
 * toCompletableFuture()}), so the sink can tell and drop the connection the batch was sent on.
 *
 * <p>Stages may complete on any thread (typically the client's I/O thread); the forwarder's
 * reactions to a completion only record it and wake the forwarder, they never block or call back
 * into the sink.
 */
public interface AsyncSink extends Sink {

  /**
   * Sends {@code batch}; the stage completes normally when the backend has confirmed every event in
   * it, exceptionally with the reason otherwise.
   *
   * @throws Exception when the batch could not even be handed over (the forwarder treats it like an
   *     exceptionally completed stage)
   */
  CompletionStage<Void> writeAsync(List<EncodedEvent> batch) throws Exception;

  /** Sends {@code batch} and waits for its confirmation; for callers that write one batch alone. */
  @Override
  default void write(List<EncodedEvent> batch) throws Exception {
    try {
      writeAsync(batch).toCompletableFuture().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      throw new SinkException(name() + ": write failed: " + cause, cause);
    } catch (CancellationException e) {
      throw new SinkException(name() + ": write was cancelled", e);
    }
  }
}
