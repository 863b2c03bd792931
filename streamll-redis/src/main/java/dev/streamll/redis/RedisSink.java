package dev.streamll.redis;

import dev.streamll.sink.AsyncSink;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.sink.SinkUrl;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.util.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to a Redis stream. Each event becomes one entry with the fields {@code event} (the
 * wire JSON, unchanged from the journal), {@code event_type} and {@code module_name} (for
 * server-side filtering):
 *
 * <pre>
 * XADD streamll_events [MAXLEN ~ N] * event {"event_id":…} event_type token module_name ChatBot
 * </pre>
 *
 * <p>{@link #writeAsync} sends a batch as pipelined {@code XADD}s on one connection, written in
 * chunks of {@value #FLUSH_EVERY} so the connection writes while the batch is still being built,
 * and returns without waiting for replies: the forwarder keeps several batches in flight on the
 * same connection. Each entry is an {@link XaddCommand}, which encodes itself from the journal's
 * bytes and reports to its {@link ReplyChunk}; a chunk is written to the connection's Netty channel
 * as one list ({@link Pipeline#write}), and one timer per chunk bounds its replies. Lettuce's
 * asynchronous API would allocate a future, a timer, a channel write, a promise and a buffer per
 * command, which cost more than the rest of the path together. A batch's stage completes when every
 * one of its replies has arrived, normally if all succeeded, otherwise with the error of the first
 * failed entry in batch order. At most {@value #MAX_OUTSTANDING} commands await replies on a
 * connection, across all batches, which keeps them below the client's request queue bound ({@link
 * RedisSettings#REQUEST_QUEUE_SIZE}); {@code writeAsync} waits for older replies (at most the
 * command timeout) before it sends more.
 *
 * <p>The forwarder commits its cursor in batch order and, after a failed batch, resends it and
 * every later one: entries that did land are then written again (at-least-once; consumers
 * deduplicate by {@code event_id}).
 *
 * <p>The connection does not reconnect or queue by itself (see {@link RedisSettings}): when it
 * drops, Lettuce fails its outstanding commands at once. Unless the server merely refused a command
 * (e.g. {@code WRONGTYPE}), a failed batch makes the sink close its connection, which fails the
 * batches still outstanding on it; the next batch opens a new one. An outage therefore shows up as
 * failed batches, which open the forwarder's circuit while events wait in the journal.
 */
public final class RedisSink implements AsyncSink {
  private static final Logger log = LoggerFactory.getLogger(RedisSink.class);

  /** Commands per flush, and per chunk of a batch whose replies are counted together. */
  static final int FLUSH_EVERY = 512;

  /**
   * Commands awaiting replies on one connection at most, across all batches in flight; half the
   * client's request queue, so a batch of any size, or several, never has commands rejected.
   */
  static final int MAX_OUTSTANDING = 8192;

  private final RedisSettings settings;
  private final RedisErrors errors;
  private final StreamKey streamKey;
  private final XaddFormat format;
  private final long timeoutNanos;
  private final long replyWaitNanos;

  /** The connection batches are written on; replaced after a connection failure. */
  private final AtomicReference<Pipeline> current = new AtomicReference<>();

  private final ChannelCapture channels = new ChannelCapture();
  private volatile RedisClient client;
  private volatile ClientResources resources;
  private volatile boolean closed;

  RedisSink(RedisSettings settings) {
    this.settings = settings;
    this.errors = new RedisErrors(settings);
    this.streamKey = settings.streamKey();
    this.format = new XaddFormat(settings.maxlen());
    this.timeoutNanos = settings.timeout().toNanos();
    // Each chunk times out on its own, from the moment it is dispatched; waiting one second longer
    // than that for older replies only guards against a reply that never completes at all.
    this.replyWaitNanos = settings.timeout().plus(Duration.ofSeconds(1)).toNanos();
  }

  /**
   * A sink for a {@code redis://} or {@code rediss://} URL (see {@link RedisSettings} for the
   * options); connects on {@link #start()}.
   *
   * @throws IllegalArgumentException when the URL or an option is invalid, naming it
   */
  public static RedisSink create(String url) {
    return new RedisSink(RedisSettings.parse(SinkUrl.parse(url)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return settings.name();
  }

  /**
   * Connects, authenticates and, for a fixed key, checks that the key is a stream or absent, so a
   * wrong password, port or key type is reported before the first batch.
   */
  @Override
  public void start() {
    Pipeline p = pipeline();
    String key = keyForMessages();
    try {
      RedisFuture<String> check =
          streamKey.isTemplate() ? p.commands.ping() : p.commands.type(bytes(key));
      String reply = check.get(replyWaitNanos, TimeUnit.NANOSECONDS);
      if (!streamKey.isTemplate() && !reply.equals("none") && !reply.equals("stream")) {
        throw new SinkException(
            settings.redacted()
                + ": key '"
                + key
                + "' holds a "
                + reply
                + ", not a stream; choose a different key with option 'stream' (e.g."
                + " ?stream=streamll_events) or delete that key");
      }
    } catch (ExecutionException e) {
      throw failed(p, e.getCause(), key);
    } catch (TimeoutException e) {
      throw failed(p, new RedisCommandTimeoutException("start-up check timed out"), key);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SinkException(settings.redacted() + ": interrupted while connecting", e);
    }
  }

  /**
   * Sends {@code batch} as pipelined {@code XADD}s and returns; waits only when more than {@value
   * #MAX_OUTSTANDING} commands would await replies, until older replies arrive.
   *
   * @throws InterruptedException when interrupted while waiting for older replies; the part of the
   *     batch already sent may still land
   * @throws SinkException when no connection can be opened, or older replies did not arrive within
   *     the command timeout (the connection is then closed)
   */
  @Override
  public CompletionStage<Void> writeAsync(List<EncodedEvent> batch) throws InterruptedException {
    Pipeline p = pipeline();
    Batch written = new Batch(p, batch.size());
    try {
      int next = 0;
      while (next < batch.size()) {
        Throwable discardedBecause = p.discardedBecause.get();
        if (discardedBecause != null) {
          // A failure closed the connection (maybe before this batch issued anything): the batch
          // fails with it, and the rest of it would only be refused.
          written.notSent(discardedBecause);
          break;
        }
        int end = Math.min(batch.size(), next + FLUSH_EVERY);
        acquire(p, end - next);
        ReplyChunk chunk = written.newChunk(end - next);
        List<XaddCommand> commands = new ArrayList<>(end - next);
        for (; next < end; next++) {
          XaddCommand command = command(batch.get(next), chunk);
          if (command != null) {
            commands.add(command);
          }
        }
        written.add(commands);
        chunk.expect(commands.size());
        if (!commands.isEmpty()) {
          XaddCommand.writeChunk(p.channel, commands);
        }
        chunk.dispatched(p.timer, timeoutNanos);
      }
    } finally {
      written.issued();
    }
    return written.result;
  }

  /** The XADD for {@code event}, or null for a journal record that is not an event. */
  private XaddCommand command(EncodedEvent event, ReplyChunk chunk) {
    EventLabels labels;
    try {
      labels = EventLabels.of(event.json());
    } catch (IllegalArgumentException e) {
      log.error(
          "journal record {} is not an event and is not sent to {}: {}",
          event.sequence(),
          name(),
          e.getMessage());
      return null;
    }
    return new XaddCommand(
        format,
        streamKey.keyFor(labels.moduleName(), labels.eventType()),
        event.json(),
        labels.eventType(),
        labels.moduleName(),
        chunk);
  }

  /** Takes {@code permits} for commands about to be issued, waiting for older replies. */
  private void acquire(Pipeline p, int permits) throws InterruptedException {
    if (!p.permits.tryAcquire(permits, replyWaitNanos, TimeUnit.NANOSECONDS)) {
      throw failed(
          p,
          new RedisCommandTimeoutException("earlier XADD replies did not arrive"),
          keyForMessages());
    }
  }

  /**
   * Translates {@code error}; unless the server merely refused a command, the connection is closed
   * so the next batch starts on a fresh one instead of behind unanswered commands. Once the
   * connection is closed, every later failure on it is reported as the one that closed it: the
   * cancellations that closing causes say nothing about the cause.
   */
  private SinkException failed(Pipeline p, Throwable error, String key) {
    if (error instanceof RedisCommandExecutionException) {
      return errors.translate(error, key);
    }
    return errors.translate(discard(p, error), key);
  }

  /** Closes {@code p} unless already done; returns the reason it was closed for. */
  private Throwable discard(Pipeline p, Throwable reason) {
    if (p.discardedBecause.compareAndSet(null, reason)) {
      current.compareAndSet(p, null);
      p.connection.closeAsync();
    }
    return p.discardedBecause.get();
  }

  private String keyForMessages() {
    return streamKey.isTemplate() ? streamKey.template() : streamKey.fixedKey();
  }

  // Only the forwarder's sink thread and close() open or replace connections; discard() runs on
  // Lettuce's event loop too and therefore takes no lock (connecting below, under the lock, may
  // need that very event loop).
  private synchronized Pipeline pipeline() {
    if (closed) {
      throw new SinkException(settings.redacted() + ": sink is closed");
    }
    Pipeline p = current.get();
    if (p != null && p.connection.isOpen()) {
      return p;
    }
    if (p != null) {
      // Lettuce has already failed the commands of a connection the server dropped.
      current.compareAndSet(p, null);
      p.connection.closeAsync();
    }
    if (client == null) {
      resources = ClientResources.builder().nettyCustomizer(channels).build();
      client = settings.newClient(resources);
    }
    StatefulRedisConnection<byte[], byte[]> c;
    try {
      c = client.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      throw errors.translate(e, keyForMessages());
    }
    p = new Pipeline(c, channels.last(), client.getResources().timer());
    current.set(p);
    return p;
  }

  @Override
  public synchronized void close() {
    closed = true;
    Pipeline p = current.getAndSet(null);
    if (p != null) {
      p.connection.close();
    }
    RedisClient c = client;
    client = null;
    if (c != null) {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** One connection, its Netty channel and the count of commands that may still be issued on it. */
  private static final class Pipeline {
    final StatefulRedisConnection<byte[], byte[]> connection;
    final RedisAsyncCommands<byte[], byte[]> commands;
    final Channel channel;
    final Timer timer;
    final Semaphore permits = new Semaphore(MAX_OUTSTANDING);
    final AtomicReference<Throwable> discardedBecause = new AtomicReference<>();

    Pipeline(StatefulRedisConnection<byte[], byte[]> connection, Channel channel, Timer timer) {
      this.connection = connection;
      this.commands = connection.async();
      this.channel = Objects.requireNonNull(channel, "the connection's channel was not seen");
      this.timer = timer;
    }
  }

  /**
   * Remembers the channel of the connection being opened ({@link #pipeline} opens one at a time).
   */
  private static final class ChannelCapture implements NettyCustomizer {
    private volatile Channel last;

    @Override
    public void afterChannelInitialized(Channel channel) {
      last = channel;
    }

    Channel last() {
      return last;
    }
  }

  /**
   * The outcome of one batch: its stage completes once the writer has dispatched every chunk and
   * every chunk has settled, normally if every entry was written, otherwise with the error of the
   * first entry in batch order that was not.
   */
  private final class Batch implements ReplyChunk.Listener {
    final Pipeline pipeline;
    final List<XaddCommand> commands;
    final CompletableFuture<Void> result = new CompletableFuture<>();

    /** One for the writer until it has dispatched everything, plus one per chunk not settled. */
    final AtomicInteger unsettled = new AtomicInteger(1);

    volatile boolean anyFailed;

    /** Why the rest of the batch was not sent; written by the writer before it lets go. */
    Throwable notSent;

    Batch(Pipeline pipeline, int capacity) {
      this.pipeline = pipeline;
      this.commands = new ArrayList<>(capacity);
    }

    ReplyChunk newChunk(int permits) {
      unsettled.incrementAndGet();
      return new ReplyChunk(this, permits);
    }

    void add(List<XaddCommand> chunk) {
      commands.addAll(chunk);
    }

    void notSent(Throwable cause) {
      notSent = cause;
      anyFailed = true;
    }

    /**
     * An entry failed. One that is not a refusal by the server closes the connection at once, so
     * that the writer stops issuing behind unanswered commands (which still occupy the client's
     * queue) before the whole batch has settled.
     */
    @Override
    public void entryFailed(Throwable cause) {
      anyFailed = true;
      if (!(cause instanceof RedisCommandExecutionException)
          && pipeline.discardedBecause.get() == null) {
        discard(pipeline, cause);
      }
    }

    @Override
    public void expired() {
      discard(
          pipeline,
          new RedisCommandTimeoutException(
              "XADD replies missing after " + settings.timeout().toMillis() + " ms"));
    }

    @Override
    public void settled(int permits) {
      pipeline.permits.release(permits);
      settled();
    }

    /** The writer has dispatched every command it will. */
    void issued() {
      settled();
    }

    private void settled() {
      if (unsettled.decrementAndGet() == 0) {
        finish();
      }
    }

    private void finish() {
      if (!anyFailed) {
        result.complete(null);
        return;
      }
      for (XaddCommand command : commands) {
        Throwable failure = command.failure();
        if (failure != null) {
          result.completeExceptionally(
              failed(pipeline, failure, new String(command.key(), StandardCharsets.UTF_8)));
          return;
        }
      }
      result.completeExceptionally(
          notSent != null
              ? failed(pipeline, notSent, keyForMessages())
              : new IllegalStateException("a failed entry was marked but none is failed"));
    }
  }
}
