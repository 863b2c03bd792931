package dev.streamll.bench.kafka;

import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.kafka.KafkaSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * Events per second from {@code emit} to acknowledged by Kafka ({@code acks=all}, idempotent),
 * against Kafka's own {@code ProducerPerformance} sending the same records (the same event JSON,
 * from a payload file) with the same acks, idempotence, linger and compression, in the same run and
 * against the same broker. StreamLL's figure includes everything on its path: encoding, the
 * journal, the forwarder's batching and the wait until every callback of the last batch has run.
 *
 * <p>Each measurement runs in a fresh JVM of its own, after a warm-up of the same kind in that JVM
 * ({@code --warmup} events, default 300,000): the two share Kafka's producer classes, and in one
 * JVM each would run on code the JIT compiled for the other's type profile, recompiling round after
 * round (the compiler threads then took 5 µs per event of the two cores). Rounds alternate the two;
 * the verdict is the median over rounds of the ratio within a round.
 *
 * <p>Run: {@code java -cp streamll-bench/target/benchmarks.jar
 * dev.streamll.bench.kafka.KafkaThroughput [events] [--compression lz4,zstd] [--batch 512]
 * [--in-flight 4] [--linger ms, both sides; default the sink's] [--property key=value, both sides,
 * repeatable] [--rounds 5] [--warmup 300000] [--bootstrap host:9092]}
 */
public final class KafkaThroughput {
  private static final Pattern RATE = Pattern.compile("([\\d.]+) records/sec");
  private static final String RESULT = "RESULT ";
  private static final int PARTITIONS = 6;

  private KafkaThroughput() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--worker")) {
      worker(args);
      return;
    }
    int events = 100_000;
    int warmup = 300_000;
    int rounds = 5;
    String bootstrap = null;
    String[] compressions = {"lz4", "zstd"};
    int batch = ForwarderOptions.defaults().maxBatchSize();
    int inFlight = ForwarderOptions.defaults().maxInFlightBatches();
    String linger = KafkaSink.DEFAULTS.get("linger.ms");
    List<String> properties = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bootstrap" -> bootstrap = args[++i];
        case "--compression" -> compressions = args[++i].split(",");
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
        case "--linger" -> linger = args[++i];
        case "--property" -> properties.add(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        default -> events = Integer.parseInt(args[i]);
      }
    }
    EventCodec codec = new EventCodec();
    Path payloads = Files.createTempFile("streamll-kafka-payloads", ".jsonl");
    long payloadBytes = 0;
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      byte[] json = codec.encode(BenchEvents.event(i));
      payloadBytes += json.length;
      lines.append(new String(json, StandardCharsets.UTF_8)).append('\n');
    }
    Files.writeString(payloads, lines);
    System.out.printf(
        Locale.ROOT,
        "events=%d after a warm-up of %d in the same JVM, forwarder maxBatchSize=%d"
            + " maxInFlightBatches=%d, linger.ms=%s,"
            + " properties %s, mean record"
            + " value %d bytes, %d partitions, %d cores, Java %s%n",
        events,
        warmup,
        batch,
        inFlight,
        linger,
        properties,
        payloadBytes / 10_000,
        PARTITIONS,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    try (BenchBroker broker = BenchBroker.connectOrStart(bootstrap)) {
      System.out.println("Kafka: " + broker.description());
      for (String compression : compressions) {
        Run run =
            new Run(
                compression,
                linger,
                properties,
                events,
                warmup,
                batch,
                inFlight,
                payloads.toString());
        List<Double> peers = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        double peerBytes = 0;
        double ourBytes = 0;
        for (int round = 0; round < rounds; round++) {
          Result peer = inChildJvm(broker, "pp", run);
          Result streamll = inChildJvm(broker, "streamll", run);
          peers.add(peer.perSecond);
          ours.add(streamll.perSecond);
          ratios.add(streamll.perSecond / peer.perSecond);
          peerBytes += peer.brokerBytesPerEvent / rounds;
          ourBytes += streamll.brokerBytesPerEvent / rounds;
          System.out.printf(
              Locale.ROOT,
              "  round %d compression=%-5s ProducerPerformance %,10.0f rec/s | StreamLL emit->ack"
                  + " %,10.0f ev/s | ratio %.2f%n",
              round + 1,
              compression,
              peer.perSecond,
              streamll.perSecond,
              streamll.perSecond / peer.perSecond);
        }
        System.out.printf(
            Locale.ROOT,
            "compression=%-5s medians of %d rounds: ProducerPerformance %,10.0f rec/s (%5.1f"
                + " B/event on broker) | StreamLL emit->ack %,10.0f ev/s (%5.1f B/event on broker)"
                + " | ratio %.2f (median of round ratios)%n",
            compression,
            rounds,
            median(peers),
            peerBytes,
            median(ours),
            ourBytes,
            median(ratios));
      }
    } finally {
      Files.deleteIfExists(payloads);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** What both contenders of a round are given; passed to a child JVM as arguments. */
  private record Run(
      String compression,
      String linger,
      List<String> properties,
      int events,
      int warmup,
      int batch,
      int inFlight,
      String payloads) {

    List<String> toArgs() {
      return List.of(
          compression,
          linger,
          String.join(" ", properties),
          String.valueOf(events),
          String.valueOf(warmup),
          String.valueOf(batch),
          String.valueOf(inFlight),
          payloads);
    }

    static Run fromArgs(List<String> args) {
      return new Run(
          args.get(0),
          args.get(1),
          args.get(2).isBlank() ? List.of() : List.of(args.get(2).split(" ")),
          Integer.parseInt(args.get(3)),
          Integer.parseInt(args.get(4)),
          Integer.parseInt(args.get(5)),
          Integer.parseInt(args.get(6)),
          args.get(7));
    }
  }

  /**
   * Runs one contender in a fresh JVM: a warm-up of {@code run.warmup} events to a topic of its
   * own, then the measured events to a new topic, whose size on the broker is read afterwards.
   */
  private static Result inChildJvm(BenchBroker broker, String contender, Run run) throws Exception {
    String topic = contender + "-" + run.compression + "-" + System.nanoTime();
    String warmupTopic = topic + "-warmup";
    broker.createTopic(warmupTopic, PARTITIONS);
    broker.createTopic(topic, PARTITIONS);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KafkaThroughput.class.getName(),
                "--worker",
                contender,
                broker.bootstrapServers(),
                warmupTopic,
                topic));
    command.addAll(run.toArgs());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (var in = child.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0) {
      throw new IllegalStateException(contender + " worker failed:\n" + output);
    }
    String result =
        output
            .lines()
            .filter(line -> line.startsWith(RESULT))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("no result from " + contender + ":\n" + output));
    output.lines().filter(line -> line.startsWith("warning:")).forEach(System.out::println);
    return new Result(
        Double.parseDouble(result.substring(RESULT.length())),
        (double) broker.topicBytes(topic) / run.events);
  }

  /** The child side of {@link #inChildJvm}: prints {@code RESULT <events per second>}. */
  private static void worker(String[] args) throws Exception {
    String contender = args[1];
    String bootstrap = args[2];
    String warmupTopic = args[3];
    String topic = args[4];
    Run run = Run.fromArgs(List.of(args).subList(5, args.length));
    double perSecond;
    if (contender.equals("pp")) {
      Exit.setExitProcedure(
          (status, message) -> {
            throw new IllegalStateException("ProducerPerformance exit " + status + ": " + message);
          });
      producerPerformance(bootstrap, warmupTopic, run, run.warmup);
      perSecond = producerPerformance(bootstrap, topic, run, run.events);
    } else {
      streamll(bootstrap, warmupTopic, run, run.warmup);
      perSecond = streamll(bootstrap, topic, run, run.events);
    }
    System.out.println(RESULT + perSecond);
  }

  private record Result(double perSecond, double brokerBytesPerEvent) {}

  private static double producerPerformance(String bootstrap, String topic, Run run, int events)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--topic",
                topic,
                "--num-records",
                String.valueOf(events),
                "--throughput",
                "-1",
                "--payload-file",
                run.payloads,
                "--producer-props",
                "bootstrap.servers=" + bootstrap,
                "acks=all",
                "enable.idempotence=true",
                "linger.ms=" + run.linger,
                "compression.type=" + run.compression));
    args.addAll(run.properties);
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
    try {
      ProducerPerformance.main(args.toArray(new String[0]));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    long failedSends =
        (output + errors.toString(StandardCharsets.UTF_8))
            .lines()
            .filter(line -> line.contains("Exception"))
            .count();
    if (failedSends > 0) {
      // Its rate then counts records that were never written: the comparison is void.
      System.out.printf(
          "warning: ProducerPerformance (%s) reported %d failed sends; discard this pair%n",
          run.compression, failedSends);
    }
    String summary = null;
    for (String line : output.split("\n")) {
      if (line.contains("records sent") && line.contains("50th")) {
        summary = line;
      }
    }
    if (summary == null) {
      throw new IllegalStateException("no summary from ProducerPerformance:\n" + output);
    }
    Matcher rate = RATE.matcher(summary);
    if (!rate.find()) {
      throw new IllegalStateException("unexpected ProducerPerformance summary: " + summary);
    }
    return Double.parseDouble(rate.group(1));
  }

  private static double streamll(String bootstrap, String topic, Run run, int events) {
    List<StreamllEvent> prepared = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      prepared.add(BenchEvents.event(i));
    }
    KafkaSink.Builder builder =
        KafkaSink.builder()
            .bootstrapServers(bootstrap)
            .topic(topic)
            .property("compression.type", run.compression)
            .property("linger.ms", run.linger);
    for (String property : run.properties) {
      String[] keyValue = property.split("=", 2);
      builder.property(keyValue[0], keyValue[1]);
    }
    KafkaSink sink = builder.build();
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(
                    SinkConfig.of(sink)
                        .options(
                            ForwarderOptions.builder()
                                .maxBatchSize(run.batch)
                                .maxInFlightBatches(run.inFlight)
                                .build()))
                .ringCapacity(1 << 18)
                .blockWhenFull(Duration.ofSeconds(60))
                .build())) {
      long start = System.nanoTime();
      for (StreamllEvent event : prepared) {
        streamll.emit(event);
      }
      FlushResult flushed = streamll.flush(Duration.ofMinutes(5));
      long elapsed = System.nanoTime() - start;
      if (!flushed.complete()) {
        throw new IllegalStateException("StreamLL did not deliver everything: " + flushed);
      }
      return events / (elapsed / 1e9);
    }
  }
}
