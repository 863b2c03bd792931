package dev.streamll.redis.processor;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running processor.
 *
 * <p>Threads: one fetcher ({@code XREADGROUP … BLOCK} on its own connection), {@code concurrency}
 * workers (so at most that many handlers run), one scheduler (heartbeats, reclaiming, retries, dead
 * consumer cleanup, trimming). Acknowledgements are group-committed by whichever thread finishes an
 * entry or receives the previous batch's reply, one batch in flight at a time. Every entry this
 * consumer owns in Redis is in {@link #held} from the moment it is read or claimed until its
 * acknowledgement is confirmed; heartbeats extend the lease of exactly those entries, and a
 * reclaimed entry already in {@link #held} is never run a second time.
 */
final class ProcessorEngine<T> implements ProcessorHandle {

  private static final Logger log = LoggerFactory.getLogger(ProcessorEngine.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  private static final int ACK_CHUNK = 2048;

  // XACK and XDEL in one atomic step: sent as two commands, a crash between them left entries
  // acknowledged but never deleted (unbounded growth found by CrashRecoveryTest).
  private static final String ACK_AND_DELETE =
      "local acked = redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))\n"
          + "redis.call('XDEL', KEYS[1], unpack(ARGV, 2))\n"
          + "return acked";
  private static final int PREFETCH_BATCHES = 3;
  private static final Duration POLL_BLOCK = Duration.ofMillis(250);

  private final StreamProcessor<T> cfg;
  private final Consumer<String> me;
  private final Duration pollBlock;
  private final int maxHeld;
  private final ConcurrentHashMap<String, HeldEntry<T>> held = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<HeldEntry<T>> ready = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<String> acks = new ConcurrentLinkedQueue<>();

  /** Whether an acknowledgement batch is on its way to Redis; at most one is. */
  private final AtomicBoolean ackInFlight = new AtomicBoolean();

  private final AtomicInteger running = new AtomicInteger();

  /** Entries whose acknowledgement is queued or in flight. */
  private final AtomicInteger acking = new AtomicInteger();

  private final Object capacity = new Object();
  private final Object idle = new Object();

  private final LongAdder fetched = new LongAdder();
  private final LongAdder reclaimed = new LongAdder();
  private final LongAdder processed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder discarded = new LongAdder();
  private final LongAdder skippedInFlight = new LongAdder();
  private final LongAdder leaseLost = new LongAdder();
  private final LongAdder heartbeats = new LongAdder();
  private final LongAdder consumersRemoved = new LongAdder();

  private RedisClient client;
  private boolean ownsClient;
  private StatefulRedisConnection<String, String> fetchConnection;
  private StatefulRedisConnection<String, String> controlConnection;
  private StatefulRedisConnection<String, String> ackConnection;
  private StatefulRedisConnection<String, String> transactionConnection;
  private EventWriter events;
  private DeadLetterWriter deadLetters;
  private ConsumerJanitor janitor;
  private StreamTrimmer trimmer;
  private AutoCloseable pendingGauge;
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> maintenance;
  private Thread fetcher;
  private final List<Thread> workers = new ArrayList<>();
  private String claimCursor = "0-0";

  private volatile boolean accepting;
  private volatile boolean closed;
  private ShutdownReport report;

  ProcessorEngine(StreamProcessor<T> cfg) {
    this.cfg = cfg;
    this.me = Consumer.from(cfg.group, cfg.consumer);
    // Short blocking reads keep shutdown quick; an idle processor costs a few commands a second.
    Duration halfLease = cfg.lease.dividedBy(2);
    this.pollBlock = halfLease.compareTo(POLL_BLOCK) < 0 ? halfLease : POLL_BLOCK;
    // Room for the running handlers plus a few batches, so that the next read and the previous
    // acknowledgements overlap with handling instead of alternating with it.
    this.maxHeld = cfg.concurrency + PREFETCH_BATCHES * cfg.batchSize;
  }

  void start() {
    if (cfg.client != null) {
      client = cfg.client;
    } else {
      client = RedisClient.create(cfg.redisUri);
      ownsClient = true;
    }
    try {
      fetchConnection = client.connect(StringCodec.UTF8);
      controlConnection = client.connect(StringCodec.UTF8);
      ackConnection = client.connect(StringCodec.UTF8);
      transactionConnection = client.connect(StringCodec.UTF8);
    } catch (RedisException e) {
      closeConnections();
      if (ownsClient) {
        client.shutdown();
      }
      throw new IllegalStateException(
          "cannot connect to Redis for stream '"
              + cfg.stream
              + "': "
              + e.getMessage()
              + " (check redis(...)/redisUri(...) and that Redis is running)",
          e);
    }
    try {
      for (StatefulRedisConnection<String, String> c :
          List.of(controlConnection, ackConnection, transactionConnection)) {
        c.setTimeout(COMMAND_TIMEOUT);
      }
      ensureGroup();
      controlConnection.sync().xgroupCreateconsumer(cfg.stream, me);
    } catch (RuntimeException e) {
      closeConnections();
      if (ownsClient) {
        client.shutdown();
      }
      throw e;
    }
    events = new EventWriter(cfg, controlConnection.async());
    deadLetters = new DeadLetterWriter(cfg, transactionConnection);
    janitor = new ConsumerJanitor(cfg);
    trimmer = new StreamTrimmer(cfg.stream);
    pendingGauge = cfg.telemetry.watchPending(cfg.stream, cfg.group, held::size);

    accepting = true;
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "streamll-processor-scheduler-" + cfg.stream));
    long heartbeatMs = Math.max(1, cfg.lease.toMillis() / 2);
    scheduler.scheduleWithFixedDelay(
        this::heartbeat, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
    long claimMs = cfg.claimInterval.toMillis();
    maintenance =
        scheduler.scheduleWithFixedDelay(this::maintain, 0, claimMs, TimeUnit.MILLISECONDS);
    for (int i = 0; i < cfg.concurrency; i++) {
      Thread worker = daemon(this::workLoop, "streamll-processor-worker-" + i + "-" + cfg.stream);
      workers.add(worker);
      worker.start();
    }
    fetcher = daemon(this::fetchLoop, "streamll-processor-fetch-" + cfg.stream);
    fetcher.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void ensureGroup() {
    XReadArgs.StreamOffset<String> offset =
        cfg.startFrom == StartPosition.OLDEST
            ? XReadArgs.StreamOffset.from(cfg.stream, "0")
            : XReadArgs.StreamOffset.latest(cfg.stream);
    try {
      controlConnection
          .sync()
          .xgroupCreate(offset, cfg.group, new XGroupCreateArgs().mkstream(true));
      log.info(
          "created consumer group '{}' on stream '{}' from {}",
          cfg.group,
          cfg.stream,
          cfg.startFrom);
    } catch (RedisException e) {
      if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
        throw new IllegalStateException(
            "cannot create consumer group '"
                + cfg.group
                + "' on '"
                + cfg.stream
                + "': "
                + e.getMessage()
                + " (the key must be a stream or absent)",
            e);
      }
    }
  }

  // ---- fetching ----

  @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes generic varargs offsets
  private void fetchLoop() {
    XReadArgs args = XReadArgs.Builder.count(cfg.batchSize).block(pollBlock);
    XReadArgs.StreamOffset<String> offset = XReadArgs.StreamOffset.lastConsumed(cfg.stream);
    long errorBackoffMs = 50;
    while (accepting) {
      if (!awaitCapacity()) {
        continue;
      }
      List<StreamMessage<String, String>> messages;
      try {
        messages = fetchConnection.sync().xreadgroup(me, args, offset);
        errorBackoffMs = 50;
      } catch (RuntimeException e) {
        if (!accepting) {
          return;
        }
        if (e.getMessage() != null && e.getMessage().contains("NOGROUP")) {
          log.warn(
              "consumer group '{}' of '{}' vanished; creating it again", cfg.group, cfg.stream);
          recreateGroup();
        } else {
          log.warn(
              "XREADGROUP on '{}' failed, retrying in {} ms: {}",
              cfg.stream,
              errorBackoffMs,
              e.toString());
          if (!pause(errorBackoffMs)) {
            return;
          }
          errorBackoffMs = Math.min(errorBackoffMs * 2, 5_000);
        }
        continue;
      }
      fetched.add(messages.size());
      for (StreamMessage<String, String> m : messages) {
        admit(m.getId(), m.getBody(), 1);
      }
    }
  }

  private void recreateGroup() {
    try {
      ensureGroup();
    } catch (RuntimeException e) {
      log.warn(
          "could not create consumer group '{}' of '{}': {}", cfg.group, cfg.stream, e.toString());
      pause(500);
    }
  }

  /** Waits for room for another batch; false when woken without room. */
  private boolean awaitCapacity() {
    synchronized (capacity) {
      if (held.size() <= maxHeld - cfg.batchSize) {
        return true;
      }
      try {
        capacity.wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        accepting = false;
      }
      return false;
    }
  }

  private void signalCapacity() {
    synchronized (capacity) {
      capacity.notifyAll();
    }
  }

  /** Waits on the capacity monitor so that close() can cut the pause short. */
  private boolean pause(long millis) {
    synchronized (capacity) {
      try {
        capacity.wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return accepting;
  }

  /** Takes ownership of an entry this consumer was just delivered. */
  private void admit(String id, Map<String, String> fields, long attempt) {
    HeldEntry<T> entry = new HeldEntry<>(id, fields, attempt);
    if (held.putIfAbsent(id, entry) != null) {
      skippedInFlight.increment();
      return;
    }
    try {
      entry.payload = cfg.codec.decode(fields);
    } catch (RuntimeException e) {
      giveUp(entry, "cannot decode entry: " + describe(e));
      return;
    }
    if (attempt > cfg.retry.maxAttempts()) {
      giveUp(
          entry,
          "delivery count "
              + attempt
              + " exceeds maxAttempts "
              + cfg.retry.maxAttempts()
              + " (earlier consumers died or lost their lease while processing it)");
      return;
    }
    ready.add(entry);
  }

  // ---- handling ----

  private void workLoop() {
    while (!closed) {
      HeldEntry<T> entry;
      try {
        entry = ready.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (entry == null) {
        continue;
      }
      running.incrementAndGet();
      try {
        if (accepting) {
          run(entry);
        }
      } catch (RuntimeException e) {
        // Bookkeeping around the handler failed (not the handler): treat it as a failed attempt
        // so that the entry is retried or dead-lettered instead of held forever.
        log.error(
            "processing entry {} of '{}' failed outside the handler", entry.id, cfg.stream, e);
        failed.increment();
        onFailure(entry, describe(e));
      } finally {
        if (running.decrementAndGet() == 0) {
          signalIdle();
        }
      }
    }
  }

  private void run(HeldEntry<T> entry) {
    long attempt = entry.attempt;
    events.started(entry.id, attempt);
    Item<T> item = new Item<>(entry.id, entry.payload, attempt, entry.fields, this::progress);
    ProcessorTelemetry.Observation observation =
        cfg.telemetry.startEntry(
            cfg.stream, cfg.group, entry.id, attempt, entry.fields.get(RedisStream.TRACEPARENT));
    long start = System.nanoTime();
    Throwable error = null;
    try {
      cfg.handler.handle(item);
    } catch (VirtualMachineError e) {
      observation.failed(e);
      throw e;
    } catch (Exception | Error e) {
      error = e;
    }
    if (error == null) {
      observation.succeeded();
    } else {
      observation.failed(error);
    }
    if (closed) {
      // The deadline passed and this entry was handed back; it must not be acknowledged.
      return;
    }
    if (error == null) {
      events.completed(entry.id, attempt, (System.nanoTime() - start) / 1_000_000);
      processed.increment();
      acknowledge(entry);
    } else {
      failed.increment();
      onFailure(entry, describe(error));
    }
  }

  private void progress(String id, long attempt, double ratio, String status) {
    if (!closed) {
      events.progress(id, attempt, ratio, status);
    }
  }

  private void acknowledge(HeldEntry<T> entry) {
    entry.finished = true;
    acking.incrementAndGet();
    acks.add(entry.id);
    flushAcks();
  }

  private void onFailure(HeldEntry<T> entry, String error) {
    entry.lastError = error;
    if (cfg.retry.retriesAfter(entry.attempt)) {
      events.failed(entry.id, entry.attempt, error, true);
      retried.increment();
      cfg.telemetry.retried(cfg.stream, cfg.group);
      Duration delay = cfg.retry.backoffAfter(entry.attempt, ThreadLocalRandom.current());
      scheduleRedelivery(entry, delay);
    } else {
      events.failed(entry.id, entry.attempt, error, false);
      giveUp(entry, error);
    }
  }

  private void scheduleRedelivery(HeldEntry<T> entry, Duration delay) {
    try {
      entry.retry =
          scheduler.schedule(() -> redeliver(entry), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      // Closing: the entry stays pending and is handed back.
    }
  }

  /**
   * Claims the entry again for the next attempt. {@code XCLAIM} without {@code JUSTID} bumps the
   * delivery count, which {@code XPENDING} then reports as the attempt number.
   */
  private void redeliver(HeldEntry<T> entry) {
    if (!accepting) {
      return;
    }
    RedisAsyncCommands<String, String> redis = controlConnection.async();
    RedisFuture<List<StreamMessage<String, String>>> claim =
        redis.xclaim(cfg.stream, me, new XClaimArgs().minIdleTime(0), entry.id);
    RedisFuture<List<PendingMessage>> pending =
        redis.xpending(cfg.stream, cfg.group, Range.create(entry.id, entry.id), Limit.from(1));
    try {
      List<StreamMessage<String, String>> claimed =
          claim.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      List<PendingMessage> counts = pending.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (claimed.isEmpty() || claimed.get(0).getBody() == null || counts.isEmpty()) {
        log.warn(
            "entry {} of '{}' is no longer pending (deleted or acknowledged elsewhere); dropping the retry",
            entry.id,
            cfg.stream);
        release(entry.id);
        return;
      }
      entry.attempt = counts.get(0).getRedeliveryCount();
      entry.leaseLost = false;
      if (entry.attempt > cfg.retry.maxAttempts()) {
        giveUp(entry, entry.lastError);
      } else {
        ready.add(entry);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.warn(
          "could not claim {} of '{}' for its retry, trying again: {}",
          entry.id,
          cfg.stream,
          e.toString());
      scheduleRedelivery(entry, cfg.retry.initialBackoff().plusMillis(100));
    }
  }

  /** The retry policy is exhausted (or the entry cannot be decoded). */
  private void giveUp(HeldEntry<T> entry, String error) {
    if (!cfg.deadLetter) {
      log.warn(
          "giving up on entry {} of '{}' after {} attempts, dead-lettering is off, dropping it: {}",
          entry.id,
          cfg.stream,
          entry.attempt,
          error);
      discarded.increment();
      acknowledge(entry);
      return;
    }
    try {
      deadLetters.write(entry.id, entry.fields, entry.attempt, error);
    } catch (RuntimeException e) {
      if (!accepting) {
        return;
      }
      log.warn(
          "could not dead-letter {} of '{}', trying again: {}", entry.id, cfg.stream, e.toString());
      try {
        entry.retry = scheduler.schedule(() -> giveUp(entry, error), 500, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        // Closing: the entry stays pending and is handed back.
      }
      return;
    }
    deadLettered.increment();
    cfg.telemetry.deadLettered(cfg.stream, cfg.group);
    events.deadLettered(entry.id, entry.attempt, error);
    release(entry.id);
  }

  private void release(String id) {
    held.remove(id);
    signalCapacity();
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null
        ? error.getClass().getName()
        : error.getClass().getName() + ": " + message;
  }

  // ---- acknowledging ----

  /**
   * Sends the finished entries' acknowledgements as one batch ({@code XACK}, plus {@code XDEL} with
   * {@link AckRetention#DELETE}) unless a batch is already on its way; when that reply arrives,
   * everything finished meanwhile goes in the next batch (group commit). No thread of its own: the
   * worker that finished an entry or the reply's I/O thread sends. Entries leave {@link #held} only
   * once Redis confirmed.
   */
  private void flushAcks() {
    while (!acks.isEmpty() && ackInFlight.compareAndSet(false, true)) {
      List<String> batch = new ArrayList<>();
      String id;
      while (batch.size() < ACK_CHUNK && (id = acks.poll()) != null) {
        batch.add(id);
      }
      if (batch.isEmpty()) {
        ackInFlight.set(false);
        continue;
      }
      sendAcks(batch.toArray(new String[0]), 50);
      return;
    }
  }

  private void sendAcks(String[] ids, long backoffMs) {
    RedisAsyncCommands<String, String> redis = ackConnection.async();
    CompletionStage<?> done;
    try {
      if (cfg.retention == AckRetention.DELETE) {
        String[] args = new String[ids.length + 1];
        args[0] = cfg.group;
        System.arraycopy(ids, 0, args, 1, ids.length);
        done =
            redis.eval(ACK_AND_DELETE, ScriptOutputType.INTEGER, new String[] {cfg.stream}, args);
      } else {
        done = redis.xack(cfg.stream, cfg.group, ids);
      }
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete(
        (ok, error) -> {
          if (error == null) {
            for (String id : ids) {
              held.remove(id);
            }
            ackInFlight.set(false);
            acked(ids.length);
            flushAcks();
          } else if (closed) {
            ackInFlight.set(false);
            acked(ids.length);
          } else {
            log.warn(
                "XACK of {} entries on '{}' failed, retrying in {} ms: {}",
                ids.length,
                cfg.stream,
                backoffMs,
                error.toString());
            try {
              scheduler.schedule(
                  () -> sendAcks(ids, Math.min(backoffMs * 2, 2_000)),
                  backoffMs,
                  TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
              ackInFlight.set(false);
              acked(ids.length);
            }
          }
        });
  }

  private void acked(int count) {
    acking.addAndGet(-count);
    signalCapacity();
    signalIdle();
  }

  // ---- leases ----

  /**
   * Extends the lease of every held entry still owned by this consumer: {@code XCLAIM … JUSTID}
   * resets the idle time without touching the delivery count. Entries another consumer took over
   * are counted as lost leases (they may be processed twice) and not claimed back.
   */
  private void heartbeat() {
    if (closed || held.isEmpty()) {
      return;
    }
    try {
      List<String> ids = new ArrayList<>(held.keySet());
      RedisAsyncCommands<String, String> redis = controlConnection.async();
      List<RedisFuture<List<PendingMessage>>> owners = new ArrayList<>(ids.size());
      for (String id : ids) {
        owners.add(redis.xpending(cfg.stream, cfg.group, Range.create(id, id), Limit.from(1)));
      }
      List<String> owned = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        List<PendingMessage> owner =
            owners.get(i).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!owner.isEmpty() && cfg.consumer.equals(owner.get(0).getConsumer())) {
          owned.add(ids.get(i));
        } else {
          HeldEntry<T> entry = held.get(ids.get(i));
          if (entry != null && !entry.finished && !entry.leaseLost) {
            entry.leaseLost = true;
            leaseLost.increment();
            log.warn(
                "lease of entry {} on '{}' expired and {}; it may be processed twice",
                entry.id,
                cfg.stream,
                owner.isEmpty()
                    ? "it is no longer pending"
                    : "consumer " + owner.get(0).getConsumer() + " took it over");
          }
        }
      }
      if (!owned.isEmpty()) {
        redis
            .xclaim(
                cfg.stream,
                me,
                new XClaimArgs().minIdleTime(0).justid(),
                owned.toArray(new String[0]))
            .get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      heartbeats.increment();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // Caught broadly: an exception escaping a periodic task would cancel it for good.
      log.warn(
          "heartbeat on '{}' failed; leases expire after {} without one: {}",
          cfg.stream,
          cfg.lease,
          e.toString());
    }
  }

  // ---- reclaiming, dead consumers, trimming ----

  private void maintain() {
    try {
      if (!accepting) {
        return;
      }
      reclaim();
      if (!cfg.deadConsumerAfter.isZero()) {
        List<String> removed = janitor.sweep(controlConnection.sync());
        if (!removed.isEmpty()) {
          consumersRemoved.add(removed.size());
          log.info(
              "removed dead consumers {} from group '{}' of '{}'", removed, cfg.group, cfg.stream);
        }
      }
      if (cfg.retention == AckRetention.TRIM) {
        trimmer.trim(controlConnection.sync());
      }
    } catch (RuntimeException e) {
      // Caught broadly: an exception escaping a periodic task would cancel it for good.
      log.warn(
          "maintenance on '{}' failed, retrying in {}: {}",
          cfg.stream,
          cfg.claimInterval,
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "reclaiming on '{}' failed, retrying in {}: {}",
          cfg.stream,
          cfg.claimInterval,
          e.toString());
    }
  }

  /**
   * Claims entries idle for longer than the lease, following {@code XAUTOCLAIM}'s cursor across
   * ticks so that a long pending list is scanned to its end before starting over. Entries still
   * held here are skipped; the others take their attempt number from the delivery count.
   */
  private void reclaim() throws InterruptedException, ExecutionException, TimeoutException {
    RedisAsyncCommands<String, String> redis = controlConnection.async();
    while (accepting && held.size() <= maxHeld - cfg.batchSize) {
      XAutoClaimArgs<String> args =
          new XAutoClaimArgs<String>()
              .consumer(me)
              .minIdleTime(cfg.lease)
              .startId(claimCursor)
              .count(cfg.batchSize);
      ClaimedMessages<String, String> claimed =
          redis.xautoclaim(cfg.stream, args).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      claimCursor = claimed.getId();
      List<StreamMessage<String, String>> fresh = new ArrayList<>();
      for (StreamMessage<String, String> m : claimed.getMessages()) {
        if (m.getBody() == null) {
          continue;
        }
        if (held.containsKey(m.getId())) {
          skippedInFlight.increment();
        } else {
          fresh.add(m);
        }
      }
      List<RedisFuture<List<PendingMessage>>> counts = new ArrayList<>(fresh.size());
      for (StreamMessage<String, String> m : fresh) {
        counts.add(
            redis.xpending(
                cfg.stream, cfg.group, Range.create(m.getId(), m.getId()), Limit.from(1)));
      }
      for (int i = 0; i < fresh.size(); i++) {
        List<PendingMessage> pending =
            counts.get(i).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (pending.isEmpty() || !cfg.consumer.equals(pending.get(0).getConsumer())) {
          continue;
        }
        reclaimed.increment();
        StreamMessage<String, String> m = fresh.get(i);
        admit(m.getId(), m.getBody(), pending.get(0).getRedeliveryCount());
      }
      if ("0-0".equals(claimCursor)) {
        return;
      }
    }
  }

  // ---- stats and shutdown ----

  @Override
  public String consumer() {
    return cfg.consumer;
  }

  @Override
  public ProcessorStats stats() {
    return new ProcessorStats(
        fetched.sum(),
        reclaimed.sum(),
        processed.sum(),
        failed.sum(),
        retried.sum(),
        deadLettered.sum(),
        discarded.sum(),
        skippedInFlight.sum(),
        leaseLost.sum(),
        heartbeats.sum(),
        consumersRemoved.sum(),
        held.size(),
        running.get());
  }

  private void signalIdle() {
    synchronized (idle) {
      idle.notifyAll();
    }
  }

  /** Waits until no handler runs and every finished entry is acknowledged, or the deadline. */
  private boolean awaitDrained(long deadlineNanos) throws InterruptedException {
    synchronized (idle) {
      while (true) {
        boolean drained = running.get() == 0 && acking.get() == 0;
        long left = deadlineNanos - System.nanoTime();
        if (drained || left <= 0) {
          return drained;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
      }
    }
  }

  @Override
  public void close() {
    close(cfg.lease);
  }

  @Override
  public synchronized ShutdownReport close(Duration deadline) {
    if (report != null) {
      return report;
    }
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    accepting = false;
    signalCapacity();
    // Heartbeats keep running while handlers drain; reclaiming and retry timers stop now.
    maintenance.cancel(false);
    for (HeldEntry<T> entry : held.values()) {
      ScheduledFuture<?> retry = entry.retry;
      if (retry != null) {
        retry.cancel(false);
      }
    }
    boolean drained = false;
    try {
      stopFetcher(deadlineNanos);
      drained = awaitDrained(deadlineNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    stopScheduler();
    int handedBack = handBack();
    for (Thread worker : workers) {
      worker.interrupt();
    }
    try {
      pendingGauge.close();
    } catch (Exception e) {
      log.warn("could not unregister the pending gauge: {}", e.toString());
    }
    closeConnections();
    if (ownsClient) {
      client.shutdown();
    }
    report = new ShutdownReport(drained, handedBack);
    log.info("processor '{}' on '{}' stopped: {}", cfg.consumer, cfg.stream, report);
    return report;
  }

  /** Stops heartbeats and waits for a running maintenance or retry task to finish. */
  private void stopScheduler() {
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("scheduler of '{}' did not stop within {}", cfg.stream, COMMAND_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopFetcher(long deadlineNanos) {
    long leftMs = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    join(fetcher, Math.min(leftMs, pollBlock.toMillis() + 200));
    if (fetcher.isAlive()) {
      // A blocked XREADGROUP would outlive the deadline. Entries it was being sent stay pending
      // for this consumer and are reclaimed by others after the lease.
      fetchConnection.close();
      join(fetcher, 1_000);
    }
  }

  private static void join(Thread thread, long millis) {
    try {
      thread.join(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Leaves every unacknowledged entry pending with its idle time set to the lease ({@code XCLAIM …
   * IDLE <lease> JUSTID}), so another consumer's next {@code XAUTOCLAIM} takes it at once instead
   * of waiting out the lease.
   */
  private int handBack() {
    List<String> ids = new ArrayList<>(held.keySet());
    if (ids.isEmpty()) {
      return 0;
    }
    try {
      controlConnection
          .sync()
          .xclaim(
              cfg.stream,
              me,
              new XClaimArgs().minIdleTime(0).idle(cfg.lease).justid(),
              ids.toArray(new String[0]));
    } catch (RuntimeException e) {
      log.warn(
          "could not hand back {} entries of '{}'; they become reclaimable after the lease: {}",
          ids.size(),
          cfg.stream,
          e.toString());
    }
    return ids.size();
  }

  private void closeConnections() {
    for (StatefulRedisConnection<String, String> c :
        Arrays.asList(fetchConnection, controlConnection, ackConnection, transactionConnection)) {
      if (c != null) {
        c.close();
      }
    }
  }
}
