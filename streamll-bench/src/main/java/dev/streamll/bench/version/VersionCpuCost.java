package dev.streamll.bench.version;

import dev.streamll.forward.Forwarder;
import dev.streamll.version.VersionStrategy;
import dev.streamll.version.VersionTracker;
import dev.streamll.version.VersionTracking;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

/**
 * The CPU time (not wall time) of a first computation, for machines shared with other work where
 * wall-clock numbers mostly measure waiting for a core. Same cases as {@link
 * VersionTrackerBenchmark}; prints the last of several rounds (the earlier ones warm up the JIT).
 *
 * <p>Run: {@code java -cp streamll-bench/target/benchmarks.jar
 * dev.streamll.bench.version.VersionCpuCost}
 */
public final class VersionCpuCost {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private VersionCpuCost() {}

  public static void main(String[] args) {
    VersionTracking bytecode = VersionTracking.enabled();
    VersionTracking signature = VersionTracking.of(VersionStrategy.SIGNATURE);
    VersionTracking artifacts =
        VersionTracking.of(VersionStrategy.PACKAGE, VersionStrategy.DEPENDENCIES);
    int rounds = 8;
    for (int round = 1; round <= rounds; round++) {
      boolean last = round == rounds;
      report(
          last,
          "BYTECODE, SampleModule.forward",
          500,
          () -> VersionTracker.create(bytecode).versionOf(SampleModule.class, "forward"));
      report(
          last,
          "BYTECODE, Forwarder whole class",
          200,
          () -> VersionTracker.create(bytecode).versionOf(Forwarder.class));
      report(
          last,
          "SIGNATURE, SampleModule",
          500,
          () -> VersionTracker.create(signature).versionOf(SampleModule.class));
      report(
          last,
          "PACKAGE+DEPENDENCIES (per artifact)",
          20,
          () -> VersionTracker.create(artifacts).versionOf(SampleModule.class));
    }
  }

  private static void report(boolean print, String label, int operations, Supplier<?> operation) {
    long start = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < operations; i++) {
      operation.get();
    }
    long cpuNanos = THREADS.getCurrentThreadCpuTime() - start;
    if (print) {
      System.out.printf(
          "%-40s %8.1f us CPU per first computation%n", label, cpuNanos / 1e3 / operations);
    }
  }
}
