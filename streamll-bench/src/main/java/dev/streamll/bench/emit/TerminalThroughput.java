package dev.streamll.bench.emit;

import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.sink.TerminalSink;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Sustained throughput of the whole path — emit, encode, journal, forwarder, terminal formatting —
 * into a null stream. The emitter blocks when full, so nothing is dropped and the figure is what
 * the pipeline delivers, not what the caller can hand off.
 *
 * <p>Run: {@code java -cp streamll-bench/target/benchmarks.jar
 * dev.streamll.bench.emit.TerminalThroughput [events]}
 */
public final class TerminalThroughput {
  private TerminalThroughput() {}

  public static void main(String[] args) {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    for (int round = 1; round <= 3; round++) {
      run(events / 4, "warm-up " + round);
    }
    run(events, "measured");
  }

  private static void run(int events, String label) {
    TerminalSink terminal =
        TerminalSink.builder().out(new PrintStream(OutputStream.nullOutputStream())).build();
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .blockWhenFull(Duration.ofMinutes(1))
                .sink(terminal)
                .build())) {
      long start = System.nanoTime();
      try (Span span = streamll.span("llm_call").makeCurrent(false).start()) {
        for (int i = 0; i < events; i++) {
          span.token("tok ");
        }
      }
      boolean complete = streamll.flush(Duration.ofMinutes(5)).complete();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%-10s %,d events in %.2f s = %,.0f events/s (complete=%s, dropped=%s)%n",
          label, events, seconds, events / seconds, complete, streamll.health().dropped());
    }
  }
}
