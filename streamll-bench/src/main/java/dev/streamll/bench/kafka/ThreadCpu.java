package dev.streamll.bench.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time per thread of a process, from Linux's {@code /proc/<pid>/task/<tid>/stat} ({@code utime
 * + stime}, in clock ticks of 10 ms), grouped by thread name with digits folded ({@code
 * kafka-producer-network-thread | producer-1} and {@code …-2} count as one). On a shared two-core
 * machine throughput swings between rounds with whatever else runs; the CPU each thread spends per
 * event does not, so it tells which variant does less work. Empty where {@code /proc} is missing.
 */
final class ThreadCpu {
  private static final double MILLIS_PER_TICK = 10.0;

  private final Map<String, Long> ticksByThread;
  private final long minorFaults;

  private ThreadCpu(Map<String, Long> ticksByThread, long minorFaults) {
    this.ticksByThread = ticksByThread;
    this.minorFaults = minorFaults;
  }

  static ThreadCpu of(long pid) {
    Map<String, Long> ticks = new HashMap<>();
    Map<String, Long> faults = new HashMap<>();
    Path tasks = Path.of("/proc", String.valueOf(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return new ThreadCpu(ticks, 0);
    }
    try (Stream<Path> threads = Files.list(tasks)) {
      threads.forEach(task -> read(task.resolve("stat"), ticks, faults));
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + tasks, e);
    }
    return new ThreadCpu(ticks, faults.values().stream().mapToLong(Long::longValue).sum());
  }

  private static void read(Path stat, Map<String, Long> ticks, Map<String, Long> faults) {
    String line;
    try {
      line = Files.readString(stat);
    } catch (IOException e) {
      return; // the thread ended between listing and reading: it counts no more
    }
    // "tid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ')'.
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    String name = line.substring(open + 1, close).replaceAll("\\d+", "#");
    String[] fields = line.substring(close + 2).split(" ");
    // fields[0] is state (field 3 of stat); minflt is field 10, utime and stime 14 and 15.
    long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    ticks.merge(name, used, Long::sum);
    faults.merge(name, Long.parseLong(fields[7]), Long::sum);
  }

  /** Milliseconds of CPU per thread group between {@code earlier} and this, largest first. */
  Map<String, Double> millisSince(ThreadCpu earlier) {
    Map<String, Double> spent = new TreeMap<>();
    ticksByThread.forEach(
        (name, ticks) -> {
          long delta = ticks - earlier.ticksByThread.getOrDefault(name, 0L);
          if (delta > 0) {
            spent.put(name, delta * MILLIS_PER_TICK);
          }
        });
    return spent;
  }

  /**
   * Minor page faults since {@code earlier}: memory the process gave back and touches again (the
   * kernel zeroes each page), a cost that shows up as CPU in the thread that touches it.
   */
  long minorFaultsSince(ThreadCpu earlier) {
    return minorFaults - earlier.minorFaults;
  }

  double totalMillisSince(ThreadCpu earlier) {
    return millisSince(earlier).values().stream().mapToDouble(Double::doubleValue).sum();
  }
}
