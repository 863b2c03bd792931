package dev.streamll.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.streamll.sink.SinkException;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publisher confirms, returns and channel shutdown for ONE channel, matched to the messages the
 * sink is waiting for by publish sequence number. The broker may confirm out of order and may
 * confirm a range at once ({@code multiple=true}); a {@code basic.return} for a {@code mandatory}
 * message arrives before that message's ack. The listeners run on amqp-client's I/O thread and only
 * record and signal: retrying is the forwarder's job.
 *
 * <p>After any failure the sink throws the channel away, so confirms still in flight for an
 * abandoned batch can never be mistaken for confirms of the next one.
 */
final class ConfirmTracker implements ConfirmListener, ReturnListener, ShutdownListener {
  private final String exchange;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final NavigableMap<Long, String> unconfirmed = new TreeMap<>();
  private String failure;

  ConfirmTracker(String exchange) {
    this.exchange = exchange;
  }

  /** Registers the message about to be published as {@code sequence}; call before publishing. */
  void expect(long sequence, String routingKey) {
    lock.lock();
    try {
      unconfirmed.put(sequence, routingKey);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every expected message is acked.
   *
   * @throws SinkException on a nack, a return or the channel closing, naming what went wrong
   * @throws InterruptedException when the forwarder's write timeout interrupts the wait
   */
  void awaitAllConfirmed() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (failure == null && !unconfirmed.isEmpty()) {
        changed.await();
      }
      if (failure != null) {
        throw new SinkException(failure);
      }
    } finally {
      lock.unlock();
    }
  }

  /** True once a nack, return or shutdown was seen: the channel must not be used again. */
  boolean failed() {
    lock.lock();
    try {
      return failure != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void handleAck(long sequence, boolean multiple) {
    lock.lock();
    try {
      if (multiple) {
        unconfirmed.headMap(sequence, true).clear();
      } else {
        unconfirmed.remove(sequence);
      }
      if (unconfirmed.isEmpty()) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void handleNack(long sequence, boolean multiple) {
    lock.lock();
    try {
      String routingKey = unconfirmed.get(sequence);
      fail(
          "broker refused (nack) message "
              + sequence
              + " published to exchange '"
              + exchange
              + "'"
              + (routingKey == null ? "" : " with routing key '" + routingKey + "'")
              + " — e.g. a queue's max-length with overflow=reject-publish or a broker-internal"
              + " error; will retry");
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void handleReturn(
      int replyCode,
      String replyText,
      String exchange,
      String routingKey,
      AMQP.BasicProperties properties,
      byte[] body) {
    lock.lock();
    try {
      fail(
          "unroutable: exchange '"
              + exchange
              + "' has no queue bound for routing key '"
              + routingKey
              + "' ("
              + replyCode
              + " "
              + replyText
              + ") — bind a queue that matches it (or set option queue=… to have the sink"
              + " declare one), or change option routing_key; events wait in the journal");
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void shutdownCompleted(ShutdownSignalException cause) {
    lock.lock();
    try {
      fail(
          "channel to exchange '"
              + exchange
              + "' closed before all confirms arrived: "
              + BrokerErrors.describe(cause)
              + "; unconfirmed messages will be re-sent");
    } finally {
      lock.unlock();
    }
  }

  private void fail(String message) {
    if (failure == null) {
      failure = message;
    }
    changed.signalAll();
  }
}
