package dev.streamll.bench.kafka;

import dev.streamll.event.EventCodec;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.kafka.KafkaSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Events per second from {@code emit} to acknowledged by Kafka ({@code acks=all}, idempotent),
 * against Kafka's own {@code ProducerPerformance} sending the same records (the same event JSON,
 * from a payload file) with the same acks, idempotence, linger and compression, in the same run and
 * against the same broker. StreamLL's figure includes everything on its path: building each event
 * (the application's share), encoding, the journal (on disk by default, as shipped), the
 * forwarder's batching and the wait until every callback of the last batch has run.
 *
 * <p>Each measurement runs in a fresh JVM of its own, after a warm-up of the same kind in that JVM
 * ({@code --warmup} events, default 6,000,000 in three passes): the producer's network code runs
 * per request, not per record, and reaches the JIT's last tier late — after 1,200,000 warm-up
 * events the compiler threads still took 1.3–2.8 µs per measured event on both sides, after
 * 6,000,000 mostly under 1. The two share Kafka's producer classes, and in one JVM each would run
 * on code the JIT compiled for the other's type profile, recompiling round after round (the
 * compiler threads then took 5 µs per event of the two cores). Rounds alternate the two; the
 * verdict is the median over rounds of the ratio within a round.
 *
 * <p>Throughput on a shared machine swings between rounds with whatever else runs, so every round
 * also reports what each side cost: CPU per event of each thread group of the worker and of the
 * broker (from {@code /proc}, see {@link ThreadCpu}), the worker's minor page faults and the record
 * batches the broker stored. These are what a change to the sink should move.
 *
 * <p>A million measured events by default: with 200,000 (about a second) the peer was still in its
 * start-up — its compiler threads and the broker took 2–3 and 2–6 µs per record against 1.2–1.6 and
 * 1.1–1.5 over a million — and ratios came out 0.35 higher than in steady state.
 *
 * <p>{@code --drain} measures StreamLL's forwarding path alone: a backlog that an earlier process
 * left in the journal, sent to Kafka by a new one (see {@link ThroughputWorker}), as after an
 * outage or a restart. The peer's side is the same.
 *
 * <p>The emitter's ring is 4,096 events here ({@code --ring}): emitting as fast as possible keeps
 * any ring full, and a ring of 65,536 (the default) or more then holds that many events on the heap
 * for the whole run, which the garbage collector pays for on the same two cores.
 *
 * <p>Run: {@code java -cp streamll-bench/target/benchmarks.jar
 * dev.streamll.bench.kafka.KafkaThroughput [events, default 1000000] [--compression lz4,zstd]
 * [--rounds 5] [--warmup 6000000] [--batch 512] [--in-flight 4] [--linger ms, both sides; default
 * the sink's] [--property key=value, both sides, repeatable] [--partitions 6] [--ring 4096]
 * [--journal file|memory] [--drain] [--profile dir: a JFR recording per worker, with the settings
 * named by {@code -Dbench.jfc}, default {@code profile}] [--bootstrap host:9092]}. {@code
 * -Dbench.workerJvmArgs="..."} adds options to both workers' JVMs, such as a profiler agent; {@code
 * -Dbench.workerLogDir=dir} keeps each worker's whole output there.
 */
public final class KafkaThroughput {

  private KafkaThroughput() {}

  public static void main(String[] args) throws Exception {
    int events = 1_000_000;
    int warmup = 6_000_000;
    int rounds = 5;
    String bootstrap = null;
    Path profileDir = null;
    String journal = "file";
    int partitions = 6;
    int ring = 4096;
    String[] compressions = {"lz4", "zstd"};
    int batch = ForwarderOptions.defaults().maxBatchSize();
    int inFlight = ForwarderOptions.defaults().maxInFlightBatches();
    String linger = KafkaSink.DEFAULTS.get("linger.ms");
    List<String> properties = new ArrayList<>();
    boolean drain = false;
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
        case "--profile" -> profileDir = Path.of(args[++i]);
        case "--journal" -> journal = args[++i];
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "--ring" -> ring = Integer.parseInt(args[++i]);
        case "--drain" -> drain = true;
        default -> events = Integer.parseInt(args[i]);
      }
    }
    if (drain && !journal.equals("file")) {
      throw new IllegalArgumentException(
          "--drain forwards a backlog that a previous process left in the journal on disk: use it"
              + " with --journal file (the default)");
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
        "%s, events=%d after a warm-up of %d in three passes in the same JVM, forwarder maxBatchSize=%d"
            + " maxInFlightBatches=%d, %s journal, linger.ms=%s,"
            + " properties %s, mean record"
            + " value %d bytes, %d partitions, %d cores, Java %s%n",
        drain ? "StreamLL drains a journal backlog" : "StreamLL from emit",
        events,
        warmup,
        batch,
        inFlight,
        journal,
        linger,
        properties,
        payloadBytes / 10_000,
        partitions,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    String ourLabel = drain ? "StreamLL drain->ack" : "StreamLL emit->ack";
    try (BenchBroker broker = BenchBroker.connectOrStart(bootstrap)) {
      System.out.println("Kafka: " + broker.description());
      for (String compression : compressions) {
        ThroughputRun run =
            new ThroughputRun(
                compression,
                linger,
                properties,
                events,
                warmup,
                batch,
                inFlight,
                payloads.toString(),
                journal,
                partitions,
                ring,
                drain);
        List<Double> peers = new ArrayList<>();
        List<Double> ours = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        double peerBytes = 0;
        double ourBytes = 0;
        for (int round = 0; round < rounds; round++) {
          Result peer = inChildJvm(broker, "pp", run, recording(profileDir, "pp", round));
          Result streamll =
              inChildJvm(broker, "streamll", run, recording(profileDir, "streamll", round));
          peers.add(peer.perSecond);
          ours.add(streamll.perSecond);
          ratios.add(streamll.perSecond / peer.perSecond);
          peerBytes += peer.brokerBytesPerEvent / rounds;
          ourBytes += streamll.brokerBytesPerEvent / rounds;
          System.out.printf(
              Locale.ROOT,
              "  round %d compression=%-5s ProducerPerformance %,10.0f rec/s | %s"
                  + " %,10.0f ev/s | ratio %.2f%n",
              round + 1,
              compression,
              peer.perSecond,
              ourLabel,
              streamll.perSecond,
              streamll.perSecond / peer.perSecond);
          for (Result result : List.of(peer, streamll)) {
            System.out.printf(
                Locale.ROOT,
                "    %-19s %,6d batches, %,7.0f page faults | CPU µs/event: client %5.2f +"
                    + " broker %5.2f = %5.2f  [%s]%n",
                result == peer ? "ProducerPerformance" : "StreamLL",
                result.batches,
                (double) result.clientFaults,
                result.clientMicros(),
                result.brokerMicrosPerEvent,
                result.clientMicros() + result.brokerMicrosPerEvent,
                result.busiestThreads());
          }
          cpuRatios.add(
              (peer.clientMicros() + peer.brokerMicrosPerEvent)
                  / (streamll.clientMicros() + streamll.brokerMicrosPerEvent));
        }
        System.out.printf(
            Locale.ROOT,
            "compression=%-5s medians of %d rounds: ProducerPerformance %,10.0f rec/s (%5.1f"
                + " B/event on broker) | %s %,10.0f ev/s (%5.1f B/event on broker)"
                + " | ratio %.2f (median of round ratios); CPU per event, peer/StreamLL %.2f%n",
            compression,
            rounds,
            median(peers),
            peerBytes,
            ourLabel,
            median(ours),
            ourBytes,
            median(ratios),
            median(cpuRatios));
      }
    } finally {
      Files.deleteIfExists(payloads);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** Where a worker records with Java Flight Recorder when {@code --profile dir} is given. */
  private static Path recording(Path profileDir, String contender, int round) {
    return profileDir == null ? null : profileDir.resolve(contender + "-" + (round + 1) + ".jfr");
  }

  /**
   * Runs one contender in a fresh JVM: a warm-up of {@code run.warmup()} events to a topic of its
   * own, then the measured events to a new topic, whose size on the broker is read afterwards.
   */
  private static Result inChildJvm(
      BenchBroker broker, String contender, ThroughputRun run, Path recording) throws Exception {
    String topic = contender + "-" + run.compression() + "-" + System.nanoTime();
    String warmupTopic = topic + "-warmup";
    for (int pass = 1; pass <= ThroughputWorker.WARMUP_PASSES; pass++) {
      broker.createTopic(warmupTopic + pass, run.partitions());
    }
    broker.createTopic(topic, run.partitions());
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (recording != null) {
      Files.createDirectories(recording.getParent());
      command.add(
          "-XX:StartFlightRecording=settings="
              + System.getProperty("bench.jfc", "profile")
              + ",filename="
              + recording);
    }
    String extraJvmArgs = System.getProperty("bench.workerJvmArgs", "").strip();
    if (!extraJvmArgs.isEmpty()) {
      command.addAll(List.of(extraJvmArgs.split("\\s+")));
    }
    command.addAll(
        List.of(
            // kafka-producer-perf-test.sh gives ProducerPerformance 512 MiB; both sides get it
            // fixed and touched up front, or the heap's growth faults pages in during the timed
            // section (up to 95,000 per run), in whichever JVM happened to grow.
            "-Xms512m",
            "-Xmx512m",
            "-XX:+AlwaysPreTouch",
            "-cp",
            System.getProperty("java.class.path"),
            ThroughputWorker.class.getName(),
            contender,
            broker.bootstrapServers(),
            warmupTopic,
            topic));
    command.addAll(run.toArgs());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder lines = new StringBuilder();
    ThreadCpu brokerBefore = null;
    ThreadCpu brokerAfter = null;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals(ThroughputWorker.TIMED_START)) {
          brokerBefore = broker.cpu();
        } else if (line.equals(ThroughputWorker.TIMED_END)) {
          brokerAfter = broker.cpu();
        }
        lines.append(line).append('\n');
      }
    }
    String output = lines.toString();
    String logDir = System.getProperty("bench.workerLogDir");
    if (logDir != null) {
      Files.writeString(Path.of(logDir, topic + ".log"), output);
    }
    if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0) {
      throw new IllegalStateException(contender + " worker failed:\n" + output);
    }
    String result =
        output
            .lines()
            .filter(line -> line.startsWith(ThroughputWorker.RESULT))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("no result from " + contender + ":\n" + output));
    output
        .lines()
        .filter(line -> line.startsWith("warning:") || line.startsWith("note:"))
        .forEach(line -> System.out.println(line.startsWith("note:") ? line.substring(5) : line));
    Map<String, Double> clientMicros = new TreeMap<>();
    output
        .lines()
        .filter(line -> line.startsWith(ThroughputWorker.CPU))
        .map(line -> line.substring(ThroughputWorker.CPU.length()).split("\t"))
        .forEach(f -> clientMicros.put(f[0], Double.parseDouble(f[1]) * 1000 / run.events()));
    long faults =
        output
            .lines()
            .filter(line -> line.startsWith(ThroughputWorker.FAULTS))
            .mapToLong(line -> Long.parseLong(line.substring(ThroughputWorker.FAULTS.length())))
            .sum();
    double brokerMicros =
        brokerBefore == null || brokerAfter == null
            ? Double.NaN
            : brokerAfter.totalMillisSince(brokerBefore) * 1000 / run.events();
    return new Result(
        Double.parseDouble(result.substring(ThroughputWorker.RESULT.length())),
        (double) broker.topicBytes(topic) / run.events(),
        broker.topicBatches(topic),
        clientMicros,
        faults,
        brokerMicros);
  }

  /**
   * One contender's round: its rate, the bytes its records take on the broker, and the CPU spent
   * per event during the timed section by each of its threads and by the broker.
   */
  private record Result(
      double perSecond,
      double brokerBytesPerEvent,
      long batches,
      Map<String, Double> clientMicrosPerEvent,
      long clientFaults,
      double brokerMicrosPerEvent) {

    double clientMicros() {
      return clientMicrosPerEvent.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Threads above 0.2 µs per event, busiest first. */
    String busiestThreads() {
      return clientMicrosPerEvent.entrySet().stream()
          .filter(e -> e.getValue() >= 0.2)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
          .collect(Collectors.joining(", "));
    }
  }
}
