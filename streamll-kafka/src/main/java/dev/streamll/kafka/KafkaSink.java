package dev.streamll.kafka;

import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
 * <p>A batch is confirmed only when every record's send callback reported success; the producer is
 * idempotent with {@code acks=all}. The producer never becomes a second buffer: {@code
 * max.block.ms} (5 s) bounds a send waiting for metadata and {@code delivery.timeout.ms} (10 s)
 * bounds how long a record may wait for brokers, so while Kafka is unreachable a write fails within
 * about 15 s — well inside the forwarder's default 30 s write timeout — and the events wait in the
 * journal behind the forwarder's cursor, retried under its backoff and circuit breaker. Keep {@code
 * max.block.ms + delivery.timeout.ms} below the forwarder's {@code writeTimeout} when you change
 * either.
 *
 * <p>Create one by URL ({@code kafka://host:9092/topic?producer.linger.ms=10}, see {@link
 * KafkaSinkProvider}) or with {@link #builder()} to pass SASL/SSL settings as a map.
 */
public final class KafkaSink implements Sink {
  private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);

  /** The producer settings this sink uses unless told otherwise. */
  public static final Map<String, String> DEFAULTS = defaults();

  static final String HEADER_EVENT_TYPE = "event_type";
  static final String HEADER_MODULE_NAME = "module_name";
  static final String HEADER_SCHEMA_VERSION = "schema_version";

  private final String name;
  private final String topic;
  private final Map<String, Object> settings;
  private Producer<byte[], byte[]> producer;

  private KafkaSink(String bootstrapServers, String topic, Map<String, String> overrides) {
    this.topic = topic;
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
    // zstd: as fast as lz4 end to end in our smoke runs, half the bytes on the broker
    // (docs/perf/kafka.md).
    d.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    d.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    d.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    d.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
    d.put(ProducerConfig.LINGER_MS_CONFIG, "5");
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
    Producer<byte[], byte[]> p = producer();
    try {
      p.partitionsFor(topic);
    } catch (TimeoutException e) {
      discardProducer();
      throw diagnoseMetadataTimeout(e);
    } catch (KafkaException e) {
      discardProducer();
      throw KafkaErrors.explain(name, topic, settings, e);
    }
  }

  @Override
  public void write(List<EncodedEvent> batch) throws InterruptedException {
    Producer<byte[], byte[]> p = producer();
    BatchAcknowledgement ack = new BatchAcknowledgement(batch.size());
    try {
      for (EncodedEvent event : batch) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while sending to " + name);
        }
        if (ack.failed()) {
          break;
        }
        p.send(record(event), ack);
      }
      // Ships what linger.ms would otherwise hold back; returns once every callback has run, or
      // after delivery.timeout.ms at the latest.
      p.flush();
    } catch (InterruptException e) {
      InterruptedException interrupted = new InterruptedException("interrupted: " + name);
      interrupted.initCause(e);
      throw interrupted;
    } catch (KafkaException e) {
      ack.fail(e);
    }
    Throwable error = ack.awaitFirstError(deliveryTimeoutMillis() + 5_000, TimeUnit.MILLISECONDS);
    if (error != null) {
      if (KafkaErrors.isFatal(error)) {
        discardProducer();
      }
      throw KafkaErrors.explain(name, topic, settings, error);
    }
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

  private synchronized Producer<byte[], byte[]> producer() {
    if (producer == null) {
      try {
        producer = new KafkaProducer<>(properties(settings));
      } catch (KafkaException e) {
        throw new SinkException(
            name
                + ": invalid producer settings: "
                + e.getMessage()
                + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""),
            e);
      }
    }
    return producer;
  }

  private synchronized void discardProducer() {
    if (producer != null) {
      // Zero: records still queued belong to a batch the forwarder will send again.
      producer.close(Duration.ZERO);
      producer = null;
    }
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

  @Override
  public void close() {
    Producer<byte[], byte[]> p;
    synchronized (this) {
      p = producer;
      producer = null;
    }
    if (p != null) {
      try {
        p.close(Duration.ofSeconds(5));
      } catch (KafkaException e) {
        log.warn("closing {} failed: {}", name, e.getMessage());
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

    private Builder() {}

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
      return new KafkaSink(bootstrapServers, topic, properties);
    }
  }
}
