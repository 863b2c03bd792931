package dev.streamll.bench.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.kafka.KafkaSink;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Latency from {@code emit} to a consumer's {@code poll} returning the event, at a fixed rate
 * (default 10,000 events/s), against a plain {@code KafkaProducer} sending the same JSON with the
 * same settings at the same rate. Each event carries its send time ({@code System.nanoTime()},
 * producer and consumer share this JVM); the first seconds are warm-up and not recorded.
 *
 * <p>Run: {@code java -cp streamll-bench/target/benchmarks.jar
 * dev.streamll.bench.kafka.KafkaLatency [seconds] [--rate 10000] [--bootstrap host:9092]}
 */
public final class KafkaLatency {
  private static final int PARTITIONS = 6;
  private static final long WARMUP_SECONDS = 3;

  private KafkaLatency() {}

  public static void main(String[] args) throws Exception {
    long seconds = 15;
    long rate = 10_000;
    String bootstrap = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = args[++i];
        case "--rate" -> rate = Long.parseLong(args[++i]);
        default -> seconds = Long.parseLong(args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "rate=%d events/s for %d s (first %d s not recorded), %d partitions, %d cores, Java %s%n",
        rate,
        seconds,
        WARMUP_SECONDS,
        PARTITIONS,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    try (BenchBroker broker = BenchBroker.connectOrStart(bootstrap)) {
      System.out.println("Kafka: " + broker.description());
      report("KafkaProducer.send", rawProducer(broker, seconds, rate));
      report("StreamLL emit     ", streamll(broker, seconds, rate));
    }
  }

  private static void report(String label, Histogram h) {
    System.out.printf(
        Locale.ROOT,
        "%s -> consumer: n=%d p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
        label,
        h.getTotalCount(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  private static Histogram streamll(BenchBroker broker, long seconds, long rate) throws Exception {
    String topic = "latency-streamll-" + System.nanoTime();
    broker.createTopic(topic, PARTITIONS);
    KafkaSink sink =
        KafkaSink.builder().bootstrapServers(broker.bootstrapServers()).topic(topic).build();
    try (Streamll streamll =
        Streamll.create(StreamllConfig.builder().inMemoryJournal().sink(sink).build())) {
      return measure(broker, topic, seconds, rate, sent -> streamll.emit(event(sent)));
    }
  }

  private static Histogram rawProducer(BenchBroker broker, long seconds, long rate)
      throws Exception {
    String topic = "latency-raw-" + System.nanoTime();
    broker.createTopic(topic, PARTITIONS);
    Map<String, Object> props = new HashMap<>();
    KafkaSink.DEFAULTS.forEach(props::put);
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("key.serializer", ByteArraySerializer.class.getName());
    props.put("value.serializer", ByteArraySerializer.class.getName());
    EventCodec codec = new EventCodec();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      return measure(
          broker,
          topic,
          seconds,
          rate,
          sent -> {
            StreamllEvent event = event(sent);
            producer.send(
                new ProducerRecord<>(topic, event.executionId().getBytes(), codec.encode(event)));
          });
    }
  }

  private static StreamllEvent event(long sentNanos) {
    return BenchEvents.event((int) (sentNanos & 0xffff)).toBuilder()
        .data("sent_nanos", sentNanos)
        .build();
  }

  /** Sends at {@code rate} for {@code seconds} while a consumer records each event's latency. */
  private static Histogram measure(
      BenchBroker broker, String topic, long seconds, long rate, LongConsumer send)
      throws Exception {
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    long start = System.nanoTime();
    long recordFrom = start + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
    long total = seconds * rate;
    AtomicBoolean sending = new AtomicBoolean(true);
    long[] received = {0};
    Thread consumer =
        new Thread(
            () -> consume(broker, topic, total, sending, histogram, recordFrom, received),
            "latency-consumer");
    consumer.start();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    for (long i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      send.accept(System.nanoTime());
    }
    sending.set(false);
    consumer.join(TimeUnit.SECONDS.toMillis(60));
    if (received[0] < total) {
      System.out.printf("warning: consumer saw %d of %d events%n", received[0], total);
    }
    return histogram;
  }

  private static void consume(
      BenchBroker broker,
      String topic,
      long total,
      AtomicBoolean sending,
      Histogram histogram,
      long recordFrom,
      long[] received) {
    ObjectMapper json = new ObjectMapper();
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long idleDeadline = Long.MAX_VALUE;
      while (received[0] < total && System.nanoTime() < idleDeadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          received[0]++;
          JsonNode sent = json.readTree(record.value()).get("data").get("sent_nanos");
          if (sent.asLong() >= recordFrom) {
            histogram.recordValue(Math.max(0, (now - sent.asLong()) / 1000));
          }
        }
        if (!sending.get() && idleDeadline == Long.MAX_VALUE) {
          idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
