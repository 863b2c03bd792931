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
 *
 * <p>A thread that starts and ends between two readings is in no task list, yet its CPU is in the
 * process's own {@code /proc/<pid>/stat}, which Linux keeps for the whole thread group including
 * threads that ended: that total decides, and what no live thread group accounts for is listed as
 * {@link #ENDED}. ProducerPerformance creates and closes its producer, and so its I/O thread,
 * inside the timed section.
 */
final class ThreadCpu {
  static final String ENDED = "(threads that ended)";
  private static final double MILLIS_PER_TICK = 10.0;

  private final Map<String, Long> ticksByThread;
  private final long processTicks;
  private final long minorFaults;

  private ThreadCpu(Map<String, Long> ticksByThread, long processTicks, long minorFaults) {
    this.ticksByThread = ticksByThread;
    this.processTicks = processTicks;
    this.minorFaults = minorFaults;
  }

  static ThreadCpu of(long pid) {
    Map<String, Long> ticks = new HashMap<>();
    Map<String, Long> faults = new HashMap<>();
    Path tasks = Path.of("/proc", String.valueOf(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return new ThreadCpu(ticks, 0, 0);
    }
    try (Stream<Path> threads = Files.list(tasks)) {
      threads.forEach(
          task -> {
            String[] stat = read(task.resolve("stat"));
            if (stat != null) {
              ticks.merge(stat[0], usedTicks(stat), Long::sum);
              faults.merge(stat[0], Long.parseLong(stat[8]), Long::sum);
            }
          });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + tasks, e);
    }
    String[] process = read(Path.of("/proc", String.valueOf(pid), "stat"));
    return new ThreadCpu(
        ticks,
        process == null ? 0 : usedTicks(process),
        faults.values().stream().mapToLong(Long::longValue).sum());
  }

  /**
   * The thread's name with digits folded, then the fields after it (state first, so [1] is field 3
   * of stat), or null when the thread ended between listing and reading.
   */
  private static String[] read(Path stat) {
    String line;
    try {
      line = Files.readString(stat);
    } catch (IOException e) {
      return null;
    }
    // "tid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ')'.
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    String name = line.substring(open + 1, close).replaceAll("\\d+", "#");
    String[] fields = line.substring(close + 2).split(" ");
    String[] named = new String[fields.length + 1];
    named[0] = name;
    System.arraycopy(fields, 0, named, 1, fields.length);
    return named;
  }

  /** utime + stime: fields 14 and 15 of stat (minflt, at [8], is field 10). */
  private static long usedTicks(String[] stat) {
    return Long.parseLong(stat[12]) + Long.parseLong(stat[13]);
  }

  /**
   * Milliseconds of CPU per thread group between {@code earlier} and this, and under {@link #ENDED}
   * what the process spent beyond them.
   */
  Map<String, Double> millisSince(ThreadCpu earlier) {
    Map<String, Double> spent = new TreeMap<>();
    long attributed = 0;
    for (Map.Entry<String, Long> thread : ticksByThread.entrySet()) {
      long delta = thread.getValue() - earlier.ticksByThread.getOrDefault(thread.getKey(), 0L);
      if (delta > 0) {
        spent.put(thread.getKey(), delta * MILLIS_PER_TICK);
        attributed += delta;
      }
    }
    long ended = processTicks - earlier.processTicks - attributed;
    if (ended > 0) {
      spent.put(ENDED, ended * MILLIS_PER_TICK);
    }
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
