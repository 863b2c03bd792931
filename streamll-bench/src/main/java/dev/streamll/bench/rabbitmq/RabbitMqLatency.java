package dev.streamll.bench.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Latency from {@code emit} to delivery at a consumer, at a fixed rate (default 5,000 events/s):
 * emit → ring → journal → forwarder batch (linger 5 ms by default) → persistent, mandatory publish
 * → durable queue → consumer on its own connection. Emit times are keyed by event id and matched on
 * delivery by {@code message_id}, all in one JVM, so both ends read the same {@code nanoTime}
 * clock. Events are scheduled on a fixed timetable; a late emit is measured from when it was due,
 * so stalls are not hidden (no coordinated omission).
 *
 * <p>Run: {@code java -cp streamll-bench/target/benchmarks.jar
 * dev.streamll.bench.rabbitmq.RabbitMqLatency [events/s] [seconds] [amqp-url]}
 */
public final class RabbitMqLatency {
  private RabbitMqLatency() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    String url = args.length > 2 ? args[2] : "amqp://guest:guest@127.0.0.1:5672";
    int warmup = rate * Math.max(1, seconds / 5);
    int measured = rate * seconds;
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;

    Map<String, Long> dueAt = new ConcurrentHashMap<>();
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    CountDownLatch done = new CountDownLatch(warmup + measured);
    try (BenchBroker broker = new BenchBroker(url, "classic");
        Connection consumerConnection =
            BenchBroker.factory(url).newConnection("streamll-bench consumer")) {
      Channel channel = consumerConnection.createChannel();
      channel.basicConsume(
          broker.queue,
          true,
          new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
              long now = System.nanoTime();
              Long due = dueAt.remove(props.getMessageId());
              if (due != null && due != Long.MIN_VALUE) {
                histogram.recordValue(Math.max(0, now - due));
              }
              done.countDown();
            }
          });
      try (Streamll streamll =
          Streamll.create(
              StreamllConfig.builder()
                  .inMemoryJournal()
                  .blockWhenFull(Duration.ofSeconds(10))
                  .sink(broker.sinkUrl())
                  .build())) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup + measured; i++) {
          long due = start + i * interval;
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          StreamllEvent event = RabbitMqThroughput.event(i);
          // Warm-up events are delivered but not recorded.
          dueAt.put(event.eventId(), i < warmup ? Long.MIN_VALUE : due);
          streamll.emit(event);
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException(done.getCount() + " events never reached the consumer");
        }
      }
    }
    System.out.printf(
        "RESULT emit->consumer at %,d events/s for %d s (%,d measured): p50=%.2f ms p99=%.2f ms"
            + " p99.9=%.2f ms max=%.2f ms%n",
        rate,
        seconds,
        histogram.getTotalCount(),
        histogram.getValueAtPercentile(50) / 1e6,
        histogram.getValueAtPercentile(99) / 1e6,
        histogram.getValueAtPercentile(99.9) / 1e6,
        histogram.getMaxValue() / 1e6);
  }
}
