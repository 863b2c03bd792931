package dev.streamll.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.streamll.sink.SinkException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publisher confirms, returns and channel shutdown for ONE channel, matched by publish sequence
 * number to the batches outstanding on it, each with its own stage. A batch's messages have
 * consecutive sequence numbers, since one thread publishes them in order. The broker may confirm
 * out of order and may confirm a range at once ({@code multiple=true}) that spans several batches;
 * a {@code basic.return} for a {@code mandatory} message arrives before that message's ack and
 * carries no sequence number, so it is matched to its batch by {@code message_id}.
 *
 * <p>A nack or a return fails the batches it concerns; the others keep collecting their acks. The
 * channel closing fails every outstanding batch. Any failure, including a stage that its caller
 * cancelled or completed itself (it gave up waiting), marks the channel failed: the sink then
 * replaces it and calls {@link #failAll}, so confirms still in flight for an abandoned batch can
 * never be mistaken for confirms of a later one, and no stage is left waiting for a channel that is
 * gone.
 *
 * <p>The listeners run on amqp-client's I/O thread and only record and complete stages, outside the
 * tracker's lock, so stage callbacks run on that thread too: retrying is the forwarder's job.
 */
final class ConfirmTracker implements ConfirmListener, ReturnListener, ShutdownListener {
  private final String exchange;
  private final ReentrantLock lock = new ReentrantLock();
  private final NavigableMap<Long, Message> unconfirmed = new TreeMap<>();
  private final ArrayDeque<Batch> outstanding = new ArrayDeque<>();
  private volatile String failure;

  /** The messages of one {@code writeAsync} call and the stage that reports on them. */
  static final class Batch {
    private final CompletableFuture<Void> stage = new CompletableFuture<>();
    private long firstSequence = -1;
    private long lastSequence = -1;
    private int unacked;
    private boolean sealed;

    /** Completes when every message of the batch is acked; fails with a {@link SinkException}. */
    CompletableFuture<Void> stage() {
      return stage;
    }
  }

  private record Message(Batch batch, String routingKey, String messageId) {}

  /** A stage to complete once the tracker's lock is released. */
  private record Outcome(Batch batch, String failure) {}

  ConfirmTracker(String exchange) {
    this.exchange = exchange;
  }

  /**
   * Starts a batch. Its stage fails at once if the channel already failed; the sink checks {@link
   * #failed} first, so that only happens when the channel closes in between.
   */
  Batch begin() {
    Batch batch = new Batch();
    batch.stage.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            markFailed(
                "a batch on this channel was given up before all its confirms arrived ("
                    + error
                    + "); will retry");
          }
        });
    List<Outcome> outcomes = new ArrayList<>(1);
    lock.lock();
    try {
      if (failure != null) {
        outcomes.add(new Outcome(batch, failure));
      } else {
        outstanding.add(batch);
      }
    } finally {
      lock.unlock();
    }
    settle(outcomes);
    return batch;
  }

  /** Registers the message about to be published as {@code sequence}; call before publishing. */
  void expect(Batch batch, long sequence, String routingKey, String messageId) {
    lock.lock();
    try {
      if (batch.stage.isDone()) {
        // The channel closed while the batch was being published; basicPublish will throw.
        return;
      }
      if (batch.firstSequence < 0) {
        batch.firstSequence = sequence;
      }
      batch.lastSequence = sequence;
      batch.unacked++;
      unconfirmed.put(sequence, new Message(batch, routingKey, messageId));
    } finally {
      lock.unlock();
    }
  }

  /** Marks every message of {@code batch} as published; its stage completes once all are acked. */
  void seal(Batch batch) {
    List<Outcome> outcomes = new ArrayList<>(1);
    lock.lock();
    try {
      batch.sealed = true;
      if (batch.unacked == 0 && outstanding.remove(batch)) {
        outcomes.add(new Outcome(batch, null));
      }
    } finally {
      lock.unlock();
    }
    settle(outcomes);
  }

  /**
   * Fails every outstanding batch with {@code reason} and marks the channel failed; for a channel
   * the sink discards or that closed.
   */
  void failAll(String reason) {
    List<Outcome> outcomes = new ArrayList<>();
    lock.lock();
    try {
      if (failure == null) {
        failure = reason;
      }
      for (Batch batch : outstanding) {
        outcomes.add(new Outcome(batch, reason));
      }
      outstanding.clear();
      unconfirmed.clear();
    } finally {
      lock.unlock();
    }
    settle(outcomes);
  }

  /** True once a nack, return, shutdown or abandoned stage was seen: replace the channel. */
  boolean failed() {
    return failure != null;
  }

  /** What made the channel fail, or null. */
  String failure() {
    return failure;
  }

  @Override
  public void handleAck(long sequence, boolean multiple) {
    List<Outcome> outcomes = new ArrayList<>();
    lock.lock();
    try {
      if (multiple) {
        Iterator<Message> acked = unconfirmed.headMap(sequence, true).values().iterator();
        while (acked.hasNext()) {
          acked(acked.next().batch(), outcomes);
          acked.remove();
        }
      } else {
        Message message = unconfirmed.remove(sequence);
        if (message != null) {
          acked(message.batch(), outcomes);
        }
      }
    } finally {
      lock.unlock();
    }
    settle(outcomes);
  }

  private void acked(Batch batch, List<Outcome> outcomes) {
    batch.unacked--;
    if (batch.unacked == 0 && batch.sealed && outstanding.remove(batch)) {
      outcomes.add(new Outcome(batch, null));
    }
  }

  @Override
  public void handleNack(long sequence, boolean multiple) {
    List<Outcome> outcomes = new ArrayList<>();
    lock.lock();
    try {
      Map<Long, Message> nacked =
          multiple
              ? new TreeMap<>(unconfirmed.headMap(sequence, true))
              : unconfirmed.containsKey(sequence)
                  ? Map.of(sequence, unconfirmed.get(sequence))
                  : Map.of();
      for (Map.Entry<Long, Message> entry : nacked.entrySet()) {
        Message message = entry.getValue();
        if (outstanding.contains(message.batch())) {
          fail(message.batch(), nackMessage(entry.getKey(), message.routingKey()), outcomes);
        }
      }
      if (nacked.isEmpty()) {
        markFailedLocked(nackMessage(sequence, null));
      }
    } finally {
      lock.unlock();
    }
    settle(outcomes);
  }

  private String nackMessage(long sequence, String routingKey) {
    return "broker refused (nack) message "
        + sequence
        + " published to exchange '"
        + exchange
        + "'"
        + (routingKey == null ? "" : " with routing key '" + routingKey + "'")
        + " — e.g. a queue's max-length with overflow=reject-publish or a broker-internal"
        + " error; will retry";
  }

  @Override
  public void handleReturn(
      int replyCode,
      String replyText,
      String exchange,
      String routingKey,
      AMQP.BasicProperties properties,
      byte[] body) {
    String reason =
        "unroutable: exchange '"
            + exchange
            + "' has no queue bound for routing key '"
            + routingKey
            + "' ("
            + replyCode
            + " "
            + replyText
            + ") — bind a queue that matches it (or set option queue=… to have the sink"
            + " declare one), or change option routing_key; events wait in the journal";
    String messageId = properties == null ? null : properties.getMessageId();
    List<Outcome> outcomes = new ArrayList<>();
    lock.lock();
    try {
      Batch returned = null;
      if (messageId != null) {
        for (Message message : unconfirmed.values()) {
          if (messageId.equals(message.messageId())) {
            returned = message.batch();
            break;
          }
        }
      }
      if (returned != null) {
        fail(returned, reason, outcomes);
      } else {
        // Not matched (it should always be): failing every batch on the channel is safe.
        markFailedLocked(reason);
        for (Batch batch : outstanding) {
          outcomes.add(new Outcome(batch, reason));
        }
        outstanding.clear();
        unconfirmed.clear();
      }
    } finally {
      lock.unlock();
    }
    settle(outcomes);
  }

  @Override
  public void shutdownCompleted(ShutdownSignalException cause) {
    failAll(
        "channel to exchange '"
            + exchange
            + "' closed before all confirms arrived: "
            + BrokerErrors.describe(cause)
            + "; unconfirmed messages will be re-sent");
  }

  /** Fails one batch and forgets its messages; the channel is failed from then on. */
  private void fail(Batch batch, String reason, List<Outcome> outcomes) {
    markFailedLocked(reason);
    if (!outstanding.remove(batch)) {
      return;
    }
    if (batch.firstSequence >= 0) {
      unconfirmed.subMap(batch.firstSequence, true, batch.lastSequence, true).clear();
    }
    outcomes.add(new Outcome(batch, reason));
  }

  private void markFailed(String reason) {
    lock.lock();
    try {
      markFailedLocked(reason);
    } finally {
      lock.unlock();
    }
  }

  private void markFailedLocked(String reason) {
    if (failure == null) {
      failure = Objects.requireNonNull(reason);
    }
  }

  /** Completes stages, in batch order, after the lock is released: their callbacks run here. */
  private static void settle(List<Outcome> outcomes) {
    for (Outcome outcome : outcomes) {
      if (outcome.failure() == null) {
        outcome.batch().stage.complete(null);
      } else {
        outcome.batch().stage.completeExceptionally(new SinkException(outcome.failure()));
      }
    }
  }
}
