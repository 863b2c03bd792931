package dev.streamll.bench.kafka;

import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.bench.journal.BenchFiles;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.kafka.KafkaSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * One contender of a {@link KafkaThroughput} round in a JVM of its own: the warm-up passes, then
 * the measured run between {@link #TIMED_START} and {@link #TIMED_END} on standard output, followed
 * by its CPU per thread ({@link #CPU} lines), its minor page faults ({@link #FAULTS}) and {@link
 * #RESULT} with the events per second.
 *
 * <p>Arguments: {@code pp|streamll bootstrap warmupTopicPrefix topic} and a {@link ThroughputRun}.
 */
final class ThroughputWorker {
  static final String RESULT = "RESULT ";
  static final String TIMED_START = "TIMED start";
  static final String TIMED_END = "TIMED end";
  static final String CPU = "CPU ";
  static final String FAULTS = "FAULTS ";

  /**
   * The warm-up runs in passes, each with a new producer and topic as the measured run has: paths
   * taken once per producer or topic (metadata, metrics, the first batch) were compiled as never
   * taken during a single warm-up, and recompiling them took the compiler threads 3–8 µs per
   * measured event.
   */
  static final int WARMUP_PASSES = 3;

  private static final Pattern RATE = Pattern.compile("([\\d.]+) records/sec");

  private ThroughputWorker() {}

  public static void main(String[] args) throws Exception {
    String contender = args[0];
    String bootstrap = args[1];
    String warmupTopic = args[2];
    String topic = args[3];
    ThroughputRun run = ThroughputRun.fromArgs(List.of(args).subList(4, args.length));
    Timing timing = new Timing(true);
    double perSecond;
    if (contender.equals("pp")) {
      Exit.setExitProcedure(
          (status, message) -> {
            throw new IllegalStateException("ProducerPerformance exit " + status + ": " + message);
          });
      for (int pass = 1; pass <= WARMUP_PASSES; pass++) {
        producerPerformance(
            bootstrap, warmupTopic + pass, run, run.warmup() / WARMUP_PASSES, new Timing(false));
      }
      perSecond = producerPerformance(bootstrap, topic, run, run.events(), timing);
    } else {
      for (int pass = 1; pass <= WARMUP_PASSES; pass++) {
        streamll(
            bootstrap, warmupTopic + pass, run, run.warmup() / WARMUP_PASSES, new Timing(false));
      }
      perSecond = streamll(bootstrap, topic, run, run.events(), timing);
    }
    System.out.println(RESULT + perSecond);
  }

  /**
   * Marks the timed section on the worker's real standard output (ProducerPerformance's is
   * captured), so that the harness reads the broker's CPU at the same moments, and reports the
   * worker's own CPU per thread afterwards.
   */
  private static final class Timing {
    private final PrintStream out = System.out;
    private final long pid = ProcessHandle.current().pid();
    private final boolean measured;
    private ThreadCpu before;

    /**
     * @param measured false for the warm-up, which reports nothing
     */
    Timing(boolean measured) {
      this.measured = measured;
    }

    void start() {
      if (measured) {
        out.println(TIMED_START);
        out.flush();
        before = ThreadCpu.of(pid);
      }
    }

    void end() {
      if (measured) {
        ThreadCpu after = ThreadCpu.of(pid);
        out.println(TIMED_END);
        after
            .millisSince(before)
            .forEach((thread, millis) -> out.println(CPU + thread + "\t" + millis));
        out.println(FAULTS + after.minorFaultsSince(before));
        out.flush();
      }
    }
  }

  private static double producerPerformance(
      String bootstrap, String topic, ThroughputRun run, int events, Timing timing)
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
                run.payloads(),
                "--producer-props",
                "bootstrap.servers=" + bootstrap,
                "acks=all",
                "enable.idempotence=true",
                "linger.ms=" + run.linger(),
                "compression.type=" + run.compression()));
    args.addAll(run.properties());
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
    try {
      timing.start();
      ProducerPerformance.main(args.toArray(new String[0]));
      timing.end();
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
          run.compression(), failedSends);
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

  private static double streamll(
      String bootstrap, String topic, ThroughputRun run, int events, Timing timing) {
    Path journalDirectory =
        run.journal().equals("file") ? BenchFiles.freshDirectory("streamll-kafka-journal") : null;
    try {
      return run.drain()
          ? drain(journalDirectory, () -> kafkaSink(bootstrap, topic, run), run, events, timing)
          : emitToAcknowledged(
              journalDirectory, kafkaSink(bootstrap, topic, run), run, events, timing);
    } finally {
      BenchFiles.deleteTree(journalDirectory);
    }
  }

  private static KafkaSink kafkaSink(String bootstrap, String topic, ThroughputRun run) {
    KafkaSink.Builder builder =
        KafkaSink.builder()
            .bootstrapServers(bootstrap)
            .topic(topic)
            .property("compression.type", run.compression())
            .property("linger.ms", run.linger());
    for (String property : run.properties()) {
      String[] keyValue = property.split("=", 2);
      builder.property(keyValue[0], keyValue[1]);
    }
    return builder.build();
  }

  private static double emitToAcknowledged(
      Path journalDirectory, KafkaSink sink, ThroughputRun run, int events, Timing timing) {
    try (Streamll streamll = Streamll.create(config(journalDirectory, run, sink, null).build())) {
      timing.start();
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        streamll.emit(BenchEvents.event(i));
      }
      long emitted = System.nanoTime() - start;
      FlushResult flushed = streamll.flush(Duration.ofMinutes(5));
      long elapsed = System.nanoTime() - start;
      if (timing.measured) {
        // Which half limits: emitting and journaling, or forwarding to Kafka.
        System.out.printf(
            Locale.ROOT,
            "note:     StreamLL had emitted every event after %.2f s, Kafka acknowledged the last"
                + " after %.2f s%n",
            emitted / 1e9,
            elapsed / 1e9);
      }
      timing.end();
      requireComplete(flushed);
      return events / (elapsed / 1e9);
    }
  }

  /**
   * A backlog forwarded as after an outage or a restart: a first process registers the sink's
   * cursor, a second one emits every event into the journal with no sink, and the timed third one
   * opens the journal with the sink, whose forwarder sends the backlog from the cursor on. The
   * clock starts before {@link Streamll#create} (the forwarder starts there) and stops when {@code
   * flush} reports every event acknowledged.
   */
  private static double drain(
      Path journalDirectory,
      Supplier<KafkaSink> sinks,
      ThroughputRun run,
      int events,
      Timing timing) {
    String cursor = "bench-kafka";
    try (Streamll registers =
        Streamll.create(config(journalDirectory, run, sinks.get(), cursor).build())) {
      requireComplete(registers.flush(Duration.ofMinutes(1)));
    }
    try (Streamll journalOnly =
        Streamll.create(
            StreamllConfig.builder()
                .journalDirectory(journalDirectory)
                .ringCapacity(run.ring())
                .blockWhenFull(Duration.ofSeconds(60))
                .build())) {
      for (int i = 0; i < events; i++) {
        journalOnly.emit(BenchEvents.event(i));
      }
      requireComplete(journalOnly.flush(Duration.ofMinutes(5)));
    }
    timing.start();
    long start = System.nanoTime();
    try (Streamll forwards =
        Streamll.create(config(journalDirectory, run, sinks.get(), cursor).build())) {
      FlushResult flushed = forwards.flush(Duration.ofMinutes(5));
      long elapsed = System.nanoTime() - start;
      timing.end();
      requireComplete(flushed);
      return events / (elapsed / 1e9);
    }
  }

  private static StreamllConfig.Builder config(
      Path journalDirectory, ThroughputRun run, KafkaSink sink, String cursor) {
    StreamllConfig.Builder config = StreamllConfig.builder();
    if (journalDirectory == null) {
      config.inMemoryJournal();
    } else {
      config.journalDirectory(journalDirectory);
    }
    SinkConfig sinkConfig =
        SinkConfig.of(sink)
            .options(
                ForwarderOptions.builder()
                    .maxBatchSize(run.batch())
                    .maxInFlightBatches(run.inFlight())
                    .build());
    if (cursor != null) {
      sinkConfig = sinkConfig.cursorName(cursor);
    }
    return config.sink(sinkConfig).ringCapacity(run.ring()).blockWhenFull(Duration.ofSeconds(60));
  }

  private static void requireComplete(FlushResult flushed) {
    if (!flushed.complete()) {
      throw new IllegalStateException("StreamLL did not deliver everything: " + flushed);
    }
  }
}
