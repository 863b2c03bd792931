package dev.streamll.bench.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Latency from {@code emit} to delivery at a consumer, at a fixed rate (default 5,000 events/s):
 * emit → ring → journal → forwarder batch (linger 5 ms by default) → persistent, mandatory publish
 * → durable queue → consumer on its own connection. The peer, measured in the same run against the
 * same queue and consumer, is a plain amqp-client publisher sending the same messages (persistent,
 * mandatory, asynchronous confirms) straight from the timed loop.
 *
 * <p>Emit times are keyed by event id and matched on delivery by {@code message_id}, all in one
 * JVM, so both ends read the same {@code nanoTime} clock. Events follow a fixed timetable and each
 * is measured from when it was due, so a stalled sender cannot hide its backlog (no coordinated
 * omission).
 *
 * <p>Run: {@code java -cp streamll-bench/target/benchmarks.jar
 * dev.streamll.bench.rabbitmq.RabbitMqLatency [events/s] [seconds] [amqp-url]}
 */
public final class RabbitMqLatency {
  private static final long WARM_UP = Long.MIN_VALUE;

  private RabbitMqLatency() {}

  /** Sends one event; the two implementations are StreamLL and the plain client. */
  private interface Sender {
    void send(StreamllEvent event) throws IOException;
  }

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    String url = args.length > 2 ? args[2] : "amqp://guest:guest@127.0.0.1:5672";
    System.out.printf(
        "RabbitMQ latency emit->consumer: %,d events/s for %d s (+ warm-up), %d cores%n",
        rate, seconds, Runtime.getRuntime().availableProcessors());
    try (BenchBroker broker = new BenchBroker(url, "classic")) {
      try (Connection connection = BenchBroker.factory(url).newConnection("bench plain latency");
          Channel channel = connection.createChannel()) {
        channel.confirmSelect();
        EventCodec codec = new EventCodec();
        measure("plain", broker, rate, seconds, e -> publishPlain(channel, broker, codec, e));
      }
      try (Streamll streamll =
          Streamll.create(
              StreamllConfig.builder()
                  .inMemoryJournal()
                  .blockWhenFull(Duration.ofSeconds(10))
                  .sink(broker.sinkUrl())
                  .build())) {
        measure("streamll", broker, rate, seconds, streamll::emit);
      }
    }
  }

  private static void publishPlain(
      Channel channel, BenchBroker broker, EventCodec codec, StreamllEvent e) throws IOException {
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(2)
            .messageId(e.eventId())
            .timestamp(new Date(e.timestamp().getEpochSecond() * 1000))
            .headers(
                Map.of(
                    "event_type", e.eventType(),
                    "module_name", e.moduleName(),
                    "operation", e.operation(),
                    "schema_version", e.schemaVersion()))
            .build();
    channel.basicPublish(broker.exchange, "ChatBot.token", true, props, codec.encode(e));
  }

  private static void measure(
      String label, BenchBroker broker, int rate, int seconds, Sender sender) throws Exception {
    int warmup = rate * Math.max(1, seconds / 5);
    int total = warmup + rate * seconds;
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    Map<String, Long> dueAt = new ConcurrentHashMap<>();
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
    CountDownLatch done = new CountDownLatch(total);
    try (Connection connection =
        BenchBroker.factory(broker.baseUrl).newConnection("bench consumer")) {
      Channel channel = connection.createChannel();
      String tag =
          channel.basicConsume(
              broker.queue,
              true,
              new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(
                    String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                  long now = System.nanoTime();
                  Long due = dueAt.remove(props.getMessageId());
                  if (due != null && due != WARM_UP) {
                    histogram.recordValue(Math.max(0, now - due));
                  }
                  done.countDown();
                }
              });
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + i * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        StreamllEvent event = RabbitMqThroughput.event(i);
        dueAt.put(event.eventId(), i < warmup ? WARM_UP : due);
        sender.send(event);
      }
      if (!done.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(done.getCount() + " events never reached the consumer");
      }
      channel.basicCancel(tag);
    }
    System.out.printf(
        "RESULT %-8s at %,d events/s (%,d measured): p50=%.2f ms p99=%.2f ms p99.9=%.2f ms"
            + " max=%.2f ms%n",
        label,
        rate,
        histogram.getTotalCount(),
        histogram.getValueAtPercentile(50) / 1e6,
        histogram.getValueAtPercentile(99) / 1e6,
        histogram.getValueAtPercentile(99.9) / 1e6,
        histogram.getMaxValue() / 1e6);
  }
}
