package dev.streamll.kafka;

import dev.streamll.event.EventCodec;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.source.EventSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic's events back for {@code streamll tail} and {@code replay}: it assigns itself every
 * partition (no consumer group, nothing committed, so it never disturbs other consumers) and starts
 * from the beginning. Events come in order within a partition, and so in order per {@code
 * execution_id}; partitions are interleaved as the broker returns them.
 */
public final class KafkaEventSource implements EventSource {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final String topic;
  private final Map<String, Object> settings;
  private final EventCodec codec = new EventCodec();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean closed;

  private KafkaEventSource(String bootstrapServers, String topic, Map<String, String> properties) {
    this.name = KafkaSink.describe(bootstrapServers, topic);
    this.topic = topic;
    Map<String, Object> merged = new LinkedHashMap<>(properties);
    merged.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    merged.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    merged.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    merged.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    merged.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    merged.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "streamll-tail-" + topic);
    this.settings = Collections.unmodifiableMap(merged);
  }

  /**
   * A source for {@code topic} on {@code bootstrapServers}; {@code properties} are consumer
   * properties (security settings, for instance).
   */
  public static KafkaEventSource of(
      String bootstrapServers, String topic, Map<String, String> properties) {
    return new KafkaEventSource(bootstrapServers, topic, properties);
  }

  static KafkaEventSource fromUrl(KafkaUrl url) {
    Map<String, String> properties = new LinkedHashMap<>(url.common());
    properties.putAll(url.consumer());
    return of(url.bootstrapServers(), url.topic(), properties);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void read(boolean follow, EventHandler handler) {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(KafkaSink.properties(settings))) {
      consumer = c;
      if (closed) {
        return;
      }
      List<TopicPartition> partitions = partitions(c);
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions, METADATA_TIMEOUT);
      while (follow || !caughtUp(c, end)) {
        if (Thread.currentThread().isInterrupted() || closed) {
          return;
        }
        for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
          if (record.value() == null) {
            continue;
          }
          if (!handler.onEvent(new EncodedEvent(record.offset(), record.value(), codec))) {
            return;
          }
        }
      }
    } catch (WakeupException e) {
      // close() from another thread: a normal way to stop following.
    } catch (InterruptException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      throw new SinkException(
          name
              + ": cannot read the topic's metadata within "
              + METADATA_TIMEOUT.toSeconds()
              + " s: is a broker reachable at bootstrap.servers, with the right security settings"
              + " (kafka.security.protocol, kafka.sasl.*)? ["
              + e.getMessage()
              + "]",
          e);
    } catch (KafkaException e) {
      throw KafkaErrors.explain(name, topic, settings, e);
    } finally {
      consumer = null;
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
    List<PartitionInfo> infos = c.partitionsFor(topic, METADATA_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new SinkException(
          name
              + ": topic '"
              + topic
              + "' does not exist; check the topic in the URL (kafka-topics.sh --list shows the"
              + " topics)");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    return partitions;
  }

  private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
      if (c.position(partition.getKey(), METADATA_TIMEOUT) < partition.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Stops a {@link #read} running on another thread; safe to call more than once. */
  @Override
  public void close() {
    closed = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
