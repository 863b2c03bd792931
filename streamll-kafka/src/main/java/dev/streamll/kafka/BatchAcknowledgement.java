package dev.streamll.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Counts the send callbacks of one batch: its {@link #stage()} completes normally once every record
 * was acknowledged, exceptionally with the explained first failure as soon as one record fails.
 * Callbacks run on the producer's I/O thread, so this only counts, records and completes a future;
 * nothing here blocks.
 */
final class BatchAcknowledgement implements Callback {
  private final AtomicInteger pending;
  private final CompletableFuture<Void> raw = new CompletableFuture<>();
  private final CompletableFuture<Void> stage = new CompletableFuture<>();
  private final Consumer<Throwable> onError;
  private volatile long expiryMillis;

  /**
   * @param records the batch size
   * @param onError sees every Kafka error of the batch (to notice fatal ones), on the thread that
   *     reported it
   * @param explain turns the first error into the exception the stage fails with
   */
  BatchAcknowledgement(
      int records, Consumer<Throwable> onError, Function<Throwable, ? extends Exception> explain) {
    this.pending = new AtomicInteger(records);
    this.onError = onError;
    raw.whenComplete(
        (ignored, error) -> {
          if (error == null) {
            stage.complete(null);
          } else {
            stage.completeExceptionally(explain.apply(describe(unwrap(error))));
          }
        });
    if (records == 0) {
      raw.complete(null);
    }
  }

  @Override
  public void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception != null) {
      fail(exception);
    } else if (pending.decrementAndGet() == 0) {
      raw.complete(null);
    }
  }

  /** Fails the batch unless it already completed: a synchronous throw, or a discarded producer. */
  void fail(Throwable error) {
    onError.accept(error);
    raw.completeExceptionally(error);
  }

  boolean failed() {
    return raw.isCompletedExceptionally();
  }

  /**
   * Bounds the wait for callbacks. The producer promises each callback within {@code
   * delivery.timeout.ms} of {@code send} returning, so this only fires if that promise breaks; the
   * stage must complete eventually whatever Kafka does.
   */
  void expireAfter(long timeoutMillis) {
    expiryMillis = timeoutMillis;
    raw.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Completes on the thread of the last callback (usually the producer's I/O thread). */
  CompletableFuture<Void> stage() {
    return stage;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private Throwable describe(Throwable error) {
    if (error instanceof java.util.concurrent.TimeoutException) {
      // Kafka's own TimeoutException, so that the explanation points at delivery.timeout.ms.
      return new TimeoutException(
          pending.get()
              + " record(s) got no acknowledgement or error within "
              + expiryMillis
              + " ms",
          error);
    }
    return error;
  }
}
