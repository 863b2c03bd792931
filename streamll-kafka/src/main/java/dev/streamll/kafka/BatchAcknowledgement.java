package dev.streamll.kafka;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Counts the send callbacks of one batch; the batch is confirmed only when all of them reported
 * success. Callbacks run on the producer's I/O thread, so this only counts and records.
 */
final class BatchAcknowledgement implements Callback {
  private final CountDownLatch pending;
  private final AtomicReference<Throwable> firstError = new AtomicReference<>();

  BatchAcknowledgement(int records) {
    this.pending = new CountDownLatch(records);
  }

  @Override
  public void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception != null) {
      firstError.compareAndSet(null, exception);
    }
    pending.countDown();
  }

  /** Records a failure that happened before a record's callback could (a synchronous throw). */
  void fail(Throwable error) {
    firstError.compareAndSet(null, error);
  }

  boolean failed() {
    return firstError.get() != null;
  }

  /**
   * Waits for every callback, or returns early once a failure is known and no more callbacks can
   * change the outcome.
   *
   * @return the first failure, or null when every record was acknowledged
   * @throws InterruptedException when the forwarder interrupts the write
   */
  Throwable awaitFirstError(long timeout, TimeUnit unit) throws InterruptedException {
    Throwable error = firstError.get();
    if (error != null) {
      return error;
    }
    if (!pending.await(timeout, unit)) {
      return new TimeoutException(
          pending.getCount()
              + " record(s) got no acknowledgement or error within "
              + timeout
              + " "
              + unit);
    }
    return firstError.get();
  }
}
