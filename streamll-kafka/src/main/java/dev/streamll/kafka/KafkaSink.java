package dev.streamll.kafka;

import dev.streamll.sink.AsyncSink;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to one Kafka topic: value = the wire JSON exactly as stored in the journal, key =
 * {@code execution_id} (every event of a run lands in one partition, in order), headers {@code
 * event_type}, {@code module_name} and {@code schema_version} (routing and filtering without
 * parsing the value).
 *
 * <p>{@link #writeAsync} hands every record of a batch to the producer and returns; the batch's
 * stage completes once every record's send callback reported success (or fails on the first error),
 * so the forwarder keeps several batches in flight instead of waiting one round trip per batch.
 * Nothing calls {@code flush()}: the producer ships records on its own, per partition, once {@code
 * batch.size} bytes are ready or {@code linger.ms} (5 ms) has passed, whichever comes first.
 *
 * <p>Order per {@code execution_id} holds across batches in flight: the forwarder calls {@code
 * writeAsync} in journal order from one thread, records with one key go to one partition in {@code
 * send} order, and the idempotent producer ({@code acks=all}) keeps that order through its own
 * retries with up to 5 requests in flight per connection ({@code
 * max.in.flight.requests.per.connection}; Kafka refuses more with idempotence on). If you turn
 * idempotence off, set {@code max.in.flight.requests.per.connection=1} or retries may reorder.
 *
 * <p>The producer never becomes a second buffer: {@code max.block.ms} (5 s) bounds a send waiting
 * for metadata or buffer space and {@code delivery.timeout.ms} (10 s) bounds how long a record may
 * wait for brokers, so while Kafka is unreachable a batch fails within about 15 s — well inside the
 * forwarder's default 30 s write timeout — and the events wait in the journal behind the
 * forwarder's cursor, retried under its backoff and circuit breaker. Keep {@code max.block.ms +
 * delivery.timeout.ms} below the forwarder's {@code writeTimeout} when you change either. A fatal
 * error (authentication, authorization, a fenced or out-of-sequence producer) fails every
 * outstanding batch at once and the next batch gets a new producer.
 *
 * <p>Create one by URL ({@code kafka://host:9092/topic?producer.linger.ms=10}, see {@link
 * KafkaSinkProvider}) or with {@link #builder()} to pass SASL/SSL settings as a map.
 */
public final class KafkaSink implements AsyncSink {
  private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);

  /** The producer settings this sink uses unless told otherwise. */
  public static final Map<String, String> DEFAULTS = defaults();

  static final String HEADER_EVENT_TYPE = "event_type";
  static final String HEADER_MODULE_NAME = "module_name";
  static final String HEADER_SCHEMA_VERSION = "schema_version";

  private final String name;
  private final String topic;
  private final Map<String, Object> settings;
  private final Function<Map<String, Object>, Producer<byte[], byte[]>> producers;
  private Session session;

  private KafkaSink(
      String bootstrapServers,
      String topic,
      Map<String, String> overrides,
      Function<Map<String, Object>, Producer<byte[], byte[]>> producers) {
    this.topic = topic;
    this.producers = producers;
    this.name = describe(bootstrapServers, topic);
    Map<String, Object> merged = new LinkedHashMap<>(DEFAULTS);
    merged.putAll(overrides);
    merged.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    merged.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    merged.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    merged.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "streamll-" + topic);
    this.settings = Collections.unmodifiableMap(merged);
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    d.put(ProducerConfig.ACKS_CONFIG, "all");
    // lz4, not zstd: Kafka creates a native zstd context of a few MiB per producer batch, and with
    // records keyed by execution_id several partitions' batches are open at once; glibc hands
    // that memory back to the kernel and faults it in again batch after batch (1.6 page faults
    // per event measured), which tripled the producer's CPU per event. lz4 works in heap buffers.
    // zstd stores 40-45 bytes per event on the broker against lz4's 72-77 (docs/perf/kafka.md).
    d.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    d.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    d.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    d.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
    // Nothing flushes per batch: the producer ships a partition's records once batch.size bytes
    // (after compression, estimated) are ready or linger.ms has passed. Both are Kafka 4's
    // defaults, spelled out because the sink now depends on them: 5 ms adds at most 5 ms to an
    // event's delivery, and 16 KiB holds a few hundred compressed events. 64 KiB was no faster in
    // KafkaThroughput on this machine and makes partial batches wait for linger.ms more often.
    d.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    d.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(16 << 10));
    // Kafka's default, spelled out: the idempotent producer keeps order per partition with at most
    // 5 requests in flight (and refuses more), which is what keeps order across batches in flight.
    d.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    // Room for one event at the codec's default 1 MiB limit plus key, headers and framing.
    d.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf((1 << 20) + (64 << 10)));
    return Collections.unmodifiableMap(d);
  }

  static String describe(String bootstrapServers, String topic) {
    return "kafka://" + bootstrapServers + "/" + topic;
  }

  public static Builder builder() {
    return new Builder();
  }

  static KafkaSink fromUrl(KafkaUrl url) {
    return builder()
        .bootstrapServers(url.bootstrapServers())
        .topic(url.topic())
        .properties(url.common())
        .properties(url.producer())
        .build();
  }

  @Override
  public String name() {
    return name;
  }

  public String topic() {
    return topic;
  }

  /** The effective producer properties (may contain credentials: do not log them). */
  public Map<String, Object> settings() {
    return settings;
  }

  /**
   * Connects and fetches the topic's metadata, which also creates the topic where the broker allows
   * it.
   *
   * @throws SinkException naming the fix when the brokers are unreachable, the topic is missing, or
   *     the client is not authenticated or authorized
   */
  @Override
  public void start() {
    Session s = session();
    try {
      s.producer.partitionsFor(topic);
    } catch (TimeoutException e) {
      discard(s);
      throw diagnoseMetadataTimeout(e);
    } catch (KafkaException e) {
      discard(s);
      throw KafkaErrors.explain(name, topic, settings, e);
    }
  }

  /**
   * Hands every record of {@code batch} to the producer and returns without waiting for Kafka. The
   * stage completes normally once every record's callback reported success, exceptionally with an
   * explanation naming the setting at fault on the first failure. It completes on the producer's
   * I/O thread: keep what depends on it short.
   *
   * @throws InterruptedException when the forwarder interrupts a {@code send} blocked on metadata
   *     or a full {@code buffer.memory}
   */
  @Override
  public CompletionStage<Void> writeAsync(List<EncodedEvent> batch) throws InterruptedException {
    Session current = session();
    BatchAcknowledgement ack =
        new BatchAcknowledgement(
            batch.size(),
            current::onError,
            error -> KafkaErrors.explain(name, topic, settings, error));
    current.track(ack);
    try {
      for (EncodedEvent event : batch) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while sending to " + name);
        }
        if (ack.failed()) {
          // A record failed already, or the producer was found broken: the stage has its answer.
          break;
        }
        current.producer.send(record(event), ack);
      }
    } catch (InterruptException e) {
      // Kafka re-asserts the interrupt; an InterruptedException carries it instead.
      Thread.interrupted();
      InterruptedException interrupted = new InterruptedException("interrupted: " + name);
      interrupted.initCause(e);
      ack.fail(interrupted);
      throw interrupted;
    } catch (InterruptedException e) {
      ack.fail(e);
      throw e;
    } catch (KafkaException | IllegalStateException e) {
      // IllegalStateException: the producer was closed under us (close() from another thread).
      ack.fail(e);
    }
    ack.expireAfter(deliveryTimeoutMillis() + 5_000);
    return ack.stage();
  }

  private ProducerRecord<byte[], byte[]> record(EncodedEvent event) {
    byte[] json = event.json();
    RecordFields fields = RecordFields.of(json);
    List<Header> headers = new ArrayList<>(3);
    addHeader(headers, HEADER_EVENT_TYPE, fields.eventType());
    addHeader(headers, HEADER_MODULE_NAME, fields.moduleName());
    addHeader(headers, HEADER_SCHEMA_VERSION, fields.schemaVersion());
    return new ProducerRecord<>(topic, null, null, fields.executionId(), json, headers);
  }

  private static void addHeader(List<Header> headers, String key, byte[] value) {
    if (value != null) {
      headers.add(new RecordHeader(key, value));
    }
  }

  private long deliveryTimeoutMillis() {
    return Long.parseLong(String.valueOf(settings.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)))
        + Long.parseLong(String.valueOf(settings.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)));
  }

  /** The current producer, replacing one that reported a fatal error. */
  private Session session() {
    Session broken = null;
    Session current;
    synchronized (this) {
      if (session != null && session.fatal != null) {
        broken = session;
        session = null;
      }
      if (session == null) {
        try {
          session = new Session(producers.apply(settings));
        } catch (KafkaException e) {
          throw new SinkException(
              name
                  + ": invalid producer settings: "
                  + e.getMessage()
                  + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""),
              e);
        }
      }
      current = session;
    }
    if (broken != null) {
      log.info("{}: replacing the producer after {}", name, broken.fatal.toString());
      closeNow(broken);
    }
    return current;
  }

  private void discard(Session discarded) {
    synchronized (this) {
      if (session == discarded) {
        session = null;
      }
    }
    closeNow(discarded);
  }

  /**
   * Closes without waiting (outside the lock: closing runs the pending callbacks). Records still
   * queued belong to batches the forwarder will send again; closing fails their callbacks, and
   * failing the outstanding batches here as well means none can wait on a producer that is gone.
   */
  private static void closeNow(Session discarded) {
    discarded.producer.close(Duration.ZERO);
    Throwable fatal = discarded.fatal;
    discarded.failOutstanding(
        fatal != null
            ? fatal
            : new KafkaException("the producer was closed before Kafka answered"));
  }

  private SinkException diagnoseMetadataTimeout(TimeoutException cause) {
    Map<String, Object> adminSettings = new LinkedHashMap<>();
    settings.forEach(
        (key, value) -> {
          if (AdminClientConfig.configNames().contains(key)) {
            adminSettings.put(key, value);
          }
        });
    adminSettings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    adminSettings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    adminSettings.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.get("client.id") + "-check");
    try (Admin admin = Admin.create(adminSettings)) {
      try {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        return new SinkException(
            name
                + ": cannot reach Kafka at bootstrap.servers "
                + settings.get("bootstrap.servers")
                + " within max.block.ms ("
                + settings.get("max.block.ms")
                + " ms): is the broker running, and does its advertised.listeners name an address"
                + " this host can reach? ["
                + cause.getMessage()
                + "]",
            cause);
      }
      try {
        admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          return new SinkException(
              name + ": " + KafkaErrors.missingTopicMessage(topic, settings), e.getCause());
        }
        return KafkaErrors.explain(name, topic, settings, e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        return KafkaErrors.explain(name, topic, settings, cause);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (KafkaException e) {
      log.debug("diagnosing {} failed", name, e);
    }
    return new SinkException(
        name
            + ": no metadata for topic '"
            + topic
            + "' within max.block.ms ("
            + settings.get("max.block.ms")
            + " ms): check that the topic exists and the brokers are reachable ["
            + cause.getMessage()
            + "]",
        cause);
  }

  static Properties properties(Map<String, Object> settings) {
    Properties properties = new Properties();
    properties.putAll(settings);
    return properties;
  }

  /**
   * Closes the producer, giving records still in flight up to 5 s to be acknowledged; batches that
   * are still outstanding after that fail.
   */
  @Override
  public void close() {
    Session s;
    synchronized (this) {
      s = session;
      session = null;
    }
    if (s != null) {
      try {
        s.producer.close(Duration.ofSeconds(5));
      } catch (KafkaException e) {
        log.warn("closing {} failed: {}", name, e.getMessage());
      }
      s.failOutstanding(new KafkaException("the sink was closed before Kafka answered"));
    }
  }

  /**
   * One producer and the batches sent through it that are not settled yet. A fatal error marks the
   * whole session broken at once: every outstanding batch fails then (their later records went, or
   * would go, through a producer that cannot deliver them), and the next {@link #writeAsync} closes
   * this producer and creates a new one.
   */
  private static final class Session {
    final Producer<byte[], byte[]> producer;
    private final Set<BatchAcknowledgement> outstanding = ConcurrentHashMap.newKeySet();
    volatile Throwable fatal;

    Session(Producer<byte[], byte[]> producer) {
      this.producer = producer;
    }

    void track(BatchAcknowledgement ack) {
      outstanding.add(ack);
      ack.stage().whenComplete((ignored, error) -> outstanding.remove(ack));
      // onError sets fatal before it walks outstanding: either that walk saw this batch or this
      // check sees fatal.
      Throwable broken = fatal;
      if (broken != null) {
        ack.fail(broken);
      }
    }

    /** Runs for every error of every batch, usually on the producer's I/O thread. */
    void onError(Throwable error) {
      if (fatal == null && KafkaErrors.isFatal(error)) {
        fatal = error;
        failOutstanding(error);
      }
    }

    void failOutstanding(Throwable error) {
      for (BatchAcknowledgement ack : outstanding) {
        ack.fail(error);
      }
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * Builds a {@link KafkaSink}. Any producer property may be set; {@link #DEFAULTS} fill in the
   * rest.
   *
   * <pre>{@code
   * KafkaSink sink = KafkaSink.builder()
   *     .bootstrapServers("pkc-xxxxx.eu-west-1.aws.confluent.cloud:9092")
   *     .topic("llm_events")
   *     .property("security.protocol", "SASL_SSL")
   *     .property("sasl.mechanism", "PLAIN")
   *     .property("sasl.jaas.config", jaas)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private String bootstrapServers;
    private String topic;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Function<Map<String, Object>, Producer<byte[], byte[]>> producers =
        settings -> new KafkaProducer<>(KafkaSink.properties(settings));

    private Builder() {}

    /** Replaces how producers are made; tests inject faults a real broker cannot be made to. */
    Builder producerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> producers) {
      this.producers = Objects.requireNonNull(producers, "producers");
      return this;
    }

    /** {@code host:port[,host:port…]}. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    /** Sets one producer property, e.g. {@code sasl.mechanism}. */
    public Builder property(String key, String value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /** Sets producer properties from a map (later calls override earlier ones). */
    public Builder properties(Map<String, String> values) {
      values.forEach(this::property);
      return this;
    }

    /** Sets producer properties, e.g. loaded from a {@code client.properties} file. */
    public Builder properties(Properties values) {
      values.stringPropertyNames().forEach(k -> property(k, values.getProperty(k)));
      return this;
    }

    /**
     * Builds the sink; it connects in {@link KafkaSink#start()}.
     *
     * @throws IllegalArgumentException when brokers or topic are missing
     */
    public KafkaSink build() {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException(
            "KafkaSink needs bootstrapServers, e.g. builder().bootstrapServers(\"localhost:9092\")");
      }
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException(
            "KafkaSink needs a topic, e.g. builder().topic(\"streamll_events\")");
      }
      return new KafkaSink(bootstrapServers, topic, properties, producers);
    }
  }
}
