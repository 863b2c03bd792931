package dev.streamll.kafka.examples;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads one execution back from Kafka (docs/sinks/kafka.md, "Replaying an execution"). The key is
 * the {@code execution_id}, so the default partitioner put every event of the execution on
 * partition {@code murmur2(key) % partitions}: only that partition is read.
 */
public final class ExecutionReplay {
  private ExecutionReplay() {}

  public static List<StreamllEvent> read(
      String bootstrapServers, String topic, String executionId) {
    EventCodec codec = new EventCodec();
    byte[] key = executionId.getBytes(StandardCharsets.UTF_8);
    List<StreamllEvent> events = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      int partitions = consumer.partitionsFor(topic).size();
      TopicPartition partition =
          new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() != null && java.util.Arrays.equals(record.key(), key)) {
            events.add(codec.decode(record.value()));
          }
        }
      }
    }
    return events;
  }
}
