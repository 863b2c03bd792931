package dev.streamll.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.AsyncSink;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import java.io.IOException;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each event to a topic exchange: body = the event's wire JSON, {@code content_type}
 * application/json, {@code message_id} = event_id, {@code timestamp}, headers {@code event_type},
 * {@code module_name}, {@code operation}, {@code schema_version}, persistent ({@code delivery_mode}
 * 2) and {@code mandatory}, on one channel in publisher-confirm mode.
 *
 * <p>{@link #writeAsync} publishes a batch and returns a stage without waiting for the broker, so
 * several batches can be outstanding on the channel at once. The {@link ConfirmTracker} maps every
 * ack (also a {@code multiple=true} ack spanning several batches, and acks out of order) to its
 * batch by publish sequence number; a batch's stage completes once each of its messages is acked. A
 * nack or a {@code basic.return} (no queue matched) fails the stage of the batch it concerns; a
 * lost channel or connection fails every outstanding stage. After any failure the next {@code
 * writeAsync} replaces the channel and its connection, failing whatever was still outstanding on
 * the old one, and the forwarder re-sends the failed batch and the ones after it (at-least-once;
 * consumers dedup by {@code message_id}). Stages complete on amqp-client's I/O thread, or on the
 * sink's caller when it discards a channel, so callbacks on them must not block.
 *
 * <p>The sink never reconnects by itself in the background: {@code writeAsync} opens a new
 * connection or channel when the previous one is gone, so the forwarder's backoff and circuit
 * breaker pace the attempts. While the broker blocks publishers (a memory or disk alarm), {@code
 * writeAsync} fails at once instead of publishing into a socket the broker no longer reads.
 */
public final class RabbitMqSink implements AsyncSink {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqSink.class);
  private static final String CONTENT_TYPE = "application/json";
  private static final int PERSISTENT = 2;
  private static final int DISCARD_WAIT_MILLIS = 50;

  private final RabbitMqSettings settings;
  private final String name;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicLong undecodable = new AtomicLong();

  private volatile Connection connection;
  private volatile String blockedReason;
  private Channel channel;
  private volatile ConfirmTracker tracker;
  private volatile boolean closed;

  RabbitMqSink(RabbitMqSettings settings) {
    this.settings = settings;
    this.name = settings.name();
  }

  @Override
  public String name() {
    return name;
  }

  /** Connects, declares (or checks) the exchange and the optional queue. */
  @Override
  public void start() throws InterruptedException {
    writeLock.lockInterruptibly();
    try {
      openChannel();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Publishes every event of {@code batch} and returns; the stage completes when the broker has
   * acked all of them.
   *
   * @throws SinkException when the batch could not be published: the sink is closed, the broker
   *     blocks publishers, connecting failed or a publish failed
   * @throws InterruptedException when the forwarder's write timeout interrupts publishing
   */
  @Override
  public CompletableFuture<Void> writeAsync(List<EncodedEvent> batch) throws InterruptedException {
    writeLock.lockInterruptibly();
    try {
      if (closed) {
        throw new SinkException("sink " + name + " is closed");
      }
      Channel ch = openChannel();
      String blocked = blockedReason;
      if (blocked != null) {
        // Publishing now would stall in a socket write that interruption cannot end.
        throw new SinkException(
            name
                + ": the broker is blocking publishers ("
                + blocked
                + ") — a memory or disk alarm on the broker; free memory or disk there");
      }
      ConfirmTracker confirms = tracker;
      ConfirmTracker.Batch pending = confirms.begin();
      boolean published = false;
      try {
        for (EncodedEvent encoded : batch) {
          if (Thread.interrupted()) {
            throw new InterruptedException("write interrupted while publishing");
          }
          publish(ch, confirms, pending, encoded);
        }
        confirms.seal(pending);
        published = true;
      } catch (IOException | RuntimeException e) {
        if (e instanceof SinkException) {
          throw (SinkException) e;
        }
        throw new SinkException(
            name + ": publishing failed: " + BrokerErrors.describe(e) + "; will retry", e);
      } finally {
        if (!published) {
          discard("channel dropped because publishing a batch on it failed; will retry");
        }
      }
      return pending.stage();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Publishes {@code batch} and waits for its confirms. When the forwarder's write timeout
   * interrupts the wait (a broker that went silent), the connection is dropped at once rather than
   * when the next batch comes, so the interrupted thread is free again within about 50 ms.
   */
  @Override
  public void write(List<EncodedEvent> batch) throws Exception {
    CompletableFuture<Void> stage = writeAsync(batch);
    try {
      stage.get();
    } catch (InterruptedException e) {
      stage.cancel(false);
      writeLock.lock();
      try {
        ConfirmTracker confirms = tracker;
        if (confirms != null && confirms.failed()) {
          discard(confirms.failure());
        }
      } finally {
        writeLock.unlock();
      }
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      throw new SinkException(name + ": write failed: " + cause, cause);
    }
  }

  private void publish(
      Channel ch, ConfirmTracker confirms, ConfirmTracker.Batch pending, EncodedEvent encoded)
      throws IOException {
    StreamllEvent event;
    try {
      event = encoded.event();
    } catch (IllegalArgumentException e) {
      // A record that is not an event cannot be routed or headed; it would fail every retry and
      // stall the sink, so it is skipped loudly, as the forwarder's filter does.
      undecodable.incrementAndGet();
      log.error(
          "journal record {} is not a valid event and is skipped for {}: {}",
          encoded.sequence(),
          name,
          e.getMessage());
      return;
    }
    String routingKey = settings.routingKey().render(event);
    confirms.expect(pending, ch.getNextPublishSeqNo(), routingKey, event.eventId());
    ch.basicPublish(settings.exchange(), routingKey, true, properties(event), encoded.json());
  }

  private static AMQP.BasicProperties properties(StreamllEvent event) {
    Map<String, Object> headers = new HashMap<>(8);
    headers.put("event_type", event.eventType());
    headers.put("module_name", event.moduleName());
    headers.put("operation", event.operation());
    headers.put("schema_version", event.schemaVersion());
    return new AMQP.BasicProperties.Builder()
        .contentType(CONTENT_TYPE)
        .deliveryMode(PERSISTENT)
        .messageId(event.eventId())
        // AMQP timestamps have whole seconds; the body keeps the microseconds.
        .timestamp(new Date(event.timestamp().getEpochSecond() * 1000))
        .headers(headers)
        .build();
  }

  /** Records skipped because they could not be decoded as events. */
  public long undecodableSkipped() {
    return undecodable.get();
  }

  private Channel openChannel() {
    if (channel != null && channel.isOpen() && !tracker.failed()) {
      return channel;
    }
    if (channel != null) {
      discard(
          "channel to exchange '"
              + settings.exchange()
              + "' replaced after a failure ("
              + tracker.failure()
              + ") before all confirms arrived; will retry");
    }
    Connection conn = connection;
    if (conn == null || !conn.isOpen()) {
      closeConnection();
      conn = BrokerConnections.open(settings, "streamll-sink " + name);
      blockedReason = null;
      conn.addBlockedListener(reason -> blockedReason = reason, () -> blockedReason = null);
      connection = conn;
      try {
        declareTopology(conn);
      } catch (RuntimeException e) {
        closeConnection();
        throw e;
      }
    }
    try {
      Channel ch = conn.createChannel();
      ConfirmTracker confirms = new ConfirmTracker(settings.exchange());
      ch.addShutdownListener(confirms);
      ch.addConfirmListener(confirms);
      ch.addReturnListener(confirms);
      ch.confirmSelect();
      channel = ch;
      tracker = confirms;
      return ch;
    } catch (IOException | RuntimeException e) {
      closeConnection();
      throw new SinkException(
          name + ": opening a channel failed: " + BrokerErrors.describe(e) + "; will retry", e);
    }
  }

  /**
   * Declares on a throwaway channel, because a refused declaration closes the channel it ran on.
   * Runs on every new connection so a broker that lost its definitions gets them back.
   */
  private void declareTopology(Connection conn) {
    String exchange = settings.exchange();
    try (Channel ch = conn.createChannel()) {
      if (settings.declare()) {
        ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      } else {
        ch.exchangeDeclarePassive(exchange);
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      throw new SinkException(exchangeProblem(e), e);
    }
    String queue = settings.queue();
    if (queue == null) {
      return;
    }
    try (Channel ch = conn.createChannel()) {
      if (settings.declare()) {
        ch.queueDeclare(
            queue, true, false, false, Map.of("x-queue-type", settings.queueType().argument()));
      } else {
        ch.queueDeclarePassive(queue);
      }
      ch.queueBind(queue, exchange, settings.binding());
    } catch (IOException | TimeoutException | RuntimeException e) {
      throw new SinkException(queueProblem(e), e);
    }
  }

  private String exchangeProblem(Exception e) {
    int code = BrokerErrors.replyCode(e);
    String reply = BrokerErrors.describe(e);
    String exchange = settings.exchange();
    if (code == AMQP.PRECONDITION_FAILED) {
      return name
          + ": option 'exchange': exchange '"
          + exchange
          + "' already exists with different settings ("
          + reply
          + ") — the sink needs a durable topic exchange: choose another exchange name, delete"
          + " the existing one, or set declare=false to use it as it is";
    }
    if (code == AMQP.NOT_FOUND) {
      return name
          + ": option 'exchange': exchange '"
          + exchange
          + "' does not exist in vhost '"
          + settings.vhost()
          + "' ("
          + reply
          + ") — create it as a durable topic exchange or drop declare=false";
    }
    if (code == AMQP.ACCESS_REFUSED) {
      return name
          + ": option 'exchange': user '"
          + settings.user()
          + "' may not declare or use exchange '"
          + exchange
          + "' ("
          + reply
          + ") — grant configure and write permissions on it, or use another exchange";
    }
    return name + ": option 'exchange': declaring exchange '" + exchange + "' failed: " + reply;
  }

  private String queueProblem(Exception e) {
    int code = BrokerErrors.replyCode(e);
    String reply = BrokerErrors.describe(e);
    String queue = settings.queue();
    if (code == AMQP.PRECONDITION_FAILED) {
      return name
          + ": option 'queue': queue '"
          + queue
          + "' already exists with different settings ("
          + reply
          + ") — match option queue_type (now "
          + settings.queueType().argument()
          + ") to the existing queue, choose another name, or set declare=false";
    }
    if (code == AMQP.NOT_FOUND) {
      return name
          + ": option 'queue': queue '"
          + queue
          + "' does not exist in vhost '"
          + settings.vhost()
          + "' ("
          + reply
          + ") — create it or drop declare=false";
    }
    return name
        + ": option 'queue': declaring or binding queue '"
        + queue
        + "' with binding '"
        + settings.binding()
        + "' failed: "
        + reply;
  }

  /**
   * Drops the channel together with its connection and fails every stage still outstanding on it
   * with {@code reason}: aborting only the channel could wait for a close-ok that a stalled
   * connection never sends, while {@code Connection.abort(timeout)} is bounded. The short wait
   * keeps a write that timed out responsive to the forwarder's interruption. Failures are rare, and
   * the next write reconnects.
   */
  private void discard(String reason) {
    ConfirmTracker confirms = tracker;
    channel = null;
    tracker = null;
    if (confirms != null) {
      // Before the abort, so the stages report why the channel went, not the abort itself.
      confirms.failAll(reason);
    }
    Connection conn = connection;
    connection = null;
    if (conn != null) {
      conn.abort(DISCARD_WAIT_MILLIS);
    }
  }

  private void closeConnection() {
    Connection conn = connection;
    connection = null;
    if (conn != null) {
      conn.abort(1_000);
    }
  }

  @Override
  public void close() {
    closed = true;
    // Not under writeLock: a write blocked on a dead socket must not keep close() waiting.
    Connection conn = connection;
    connection = null;
    if (conn != null) {
      conn.abort(2_000);
    }
    ConfirmTracker confirms = tracker;
    if (confirms != null) {
      // The abort's shutdown signal normally fails them already; this covers a connection that
      // was half gone and never delivered one.
      confirms.failAll("sink " + name + " was closed before all confirms arrived");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
