package dev.streamll.kafka.examples;

import dev.streamll.event.EventCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer-group member that prints each execution's tree when it completes
 * (docs/sinks/kafka.md). Several instances in one group share the partitions; every execution stays
 * on one of them because the record key is its {@code execution_id}.
 */
public final class ExecutionTreeConsumer implements Runnable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Consumer<ExecutionTrees.SpanNode> onTree;
  private final EventCodec codec = new EventCodec();
  private final ExecutionTrees trees = new ExecutionTrees();
  private volatile boolean running = true;

  public ExecutionTreeConsumer(
      String bootstrapServers,
      String topic,
      String group,
      Consumer<ExecutionTrees.SpanNode> onTree) {
    this.topic = topic;
    this.onTree = onTree;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
  }

  @Override
  public void run() {
    try (consumer) {
      consumer.subscribe(List.of(topic));
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          trees.accept(codec.decode(record.value())).ifPresent(onTree);
        }
      }
    }
  }

  public void stop() {
    running = false;
  }

  public static void main(String[] args) {
    new ExecutionTreeConsumer(
            args[0], args[1], "execution-trees", tree -> System.out.print(tree.render()))
        .run();
  }
}
