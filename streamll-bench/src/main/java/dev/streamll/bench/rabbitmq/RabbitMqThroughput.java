package dev.streamll.bench.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.ForwarderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;

/**
 * Events per second from {@code emit} to broker-confirmed (persistent, mandatory, durable queue)
 * through StreamLL's RabbitMQ sink, against a plain amqp-client publisher doing the same broker
 * work in the same run: the same JSON bodies, properties and routing key, persistent and mandatory,
 * with asynchronous publisher confirms and at most {@code window} unconfirmed messages (a sliding
 * window, the usual way to publish fast with confirms). The plain publisher gets its bodies
 * pre-encoded; StreamLL builds, encodes, journals and forwards each event, so the ratio is
 * StreamLL's whole cost relative to a bare client.
 *
 * <p>Run: {@code java -cp streamll-bench/target/benchmarks.jar
 * dev.streamll.bench.rabbitmq.RabbitMqThroughput [events] [amqp-url] [classic|quorum] [memory|file]
 * [maxBatchSize]}
 */
public final class RabbitMqThroughput {
  private static final int WINDOW = 512;

  private RabbitMqThroughput() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    String url = args.length > 1 ? args[1] : "amqp://guest:guest@127.0.0.1:5672";
    String queueType = args.length > 2 ? args[2] : "classic";
    String journal = args.length > 3 ? args[3] : "memory";
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 512;
    System.out.printf(
        "RabbitMQ throughput: %,d events, %s queue, %s journal, StreamLL maxBatchSize %d,"
            + " plain window %d, %d cores%n",
        events, queueType, journal, batch, WINDOW, Runtime.getRuntime().availableProcessors());
    try (BenchBroker broker = new BenchBroker(url, queueType)) {
      run(broker, events / 5, journal, batch, "warm-up");
      double plain = 0;
      double streamll = 0;
      for (int round = 1; round <= 2; round++) {
        plain += run(broker, events, journal, batch, "plain-" + round)[0];
        streamll += run(broker, events, journal, batch, "streamll-" + round)[1];
      }
      System.out.printf(
          "RESULT plain=%,.0f ev/s streamll=%,.0f ev/s ratio=%.2f%n",
          plain / 2, streamll / 2, streamll / plain);
    }
  }

  /** Runs the plain publisher (label plain-*), StreamLL (streamll-*) or both (warm-up). */
  private static double[] run(
      BenchBroker broker, int events, String journal, int batch, String label) throws Exception {
    double[] rates = new double[2];
    if (!label.startsWith("streamll")) {
      rates[0] = report(label + " plain", events, plainPublisher(broker, events));
      broker.purge();
    }
    if (!label.startsWith("plain")) {
      rates[1] = report(label + " streamll", events, streamll(broker, events, journal, batch));
      broker.purge();
    }
    return rates;
  }

  private static double report(String label, int events, long nanos) {
    double rate = events / (nanos / 1e9);
    System.out.printf(
        "%-18s %,d events in %.2f s = %,.0f events/s%n", label, events, nanos / 1e9, rate);
    return rate;
  }

  static StreamllEvent event(int i) {
    return StreamllEvent.builder()
        .moduleName("ChatBot")
        .methodName("answer")
        .operation("llm_call")
        .eventType("token")
        .data(Map.of("token", "tok", "index", i))
        .build();
  }

  private static long plainPublisher(BenchBroker broker, int events) throws Exception {
    EventCodec codec = new EventCodec();
    StreamllEvent[] sample = new StreamllEvent[events];
    byte[][] bodies = new byte[events][];
    for (int i = 0; i < events; i++) {
      sample[i] = event(i);
      bodies[i] = codec.encode(sample[i]);
    }
    Semaphore window = new Semaphore(WINDOW);
    ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
    try (Connection connection =
            BenchBroker.factory(broker.baseUrl).newConnection("bench plain publisher");
        Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      channel.addReturnListener(
          r -> {
            throw new IllegalStateException("unroutable in benchmark: " + r.getRoutingKey());
          });
      channel.addConfirmListener(
          new ConfirmListener() {
            @Override
            public void handleAck(long sequence, boolean multiple) {
              release(sequence, multiple);
            }

            @Override
            public void handleNack(long sequence, boolean multiple) {
              throw new IllegalStateException("broker nacked message " + sequence);
            }

            private void release(long sequence, boolean multiple) {
              int count = 0;
              if (multiple) {
                var head = outstanding.headSet(sequence, true);
                count = head.size();
                head.clear();
              } else if (outstanding.remove(sequence)) {
                count = 1;
              }
              window.release(count);
            }
          });
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        window.acquire();
        StreamllEvent e = sample[i];
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
        outstanding.add(channel.getNextPublishSeqNo());
        channel.basicPublish(broker.exchange, "ChatBot.token", true, props, bodies[i]);
      }
      window.acquire(WINDOW);
      return System.nanoTime() - start;
    }
  }

  private static long streamll(BenchBroker broker, int events, String journal, int batch)
      throws Exception {
    ForwarderOptions options = ForwarderOptions.builder().maxBatchSize(batch).build();
    StreamllConfig.Builder config =
        StreamllConfig.builder()
            .blockWhenFull(Duration.ofMinutes(1))
            .sink(SinkConfig.of(broker.sinkUrl()).options(options));
    Path directory = null;
    if (journal.equals("file")) {
      directory = Files.createTempDirectory("streamll-bench-journal");
      config.journalDirectory(directory);
    } else {
      config.inMemoryJournal();
    }
    try (Streamll streamll = Streamll.create(config.build())) {
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        streamll.emit(event(i));
      }
      if (!streamll.flush(Duration.ofMinutes(5)).complete()) {
        throw new IllegalStateException("StreamLL did not confirm all events within 5 minutes");
      }
      return System.nanoTime() - start;
    } finally {
      if (directory != null) {
        deleteTree(directory);
      }
    }
  }

  private static void deleteTree(Path directory) throws IOException {
    try (var paths = Files.walk(directory)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
