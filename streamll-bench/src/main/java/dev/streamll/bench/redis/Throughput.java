package dev.streamll.bench.redis;

import java.lang.management.ManagementFactory;

/**
 * Events per second over a timed section, plus this JVM's CPU time per event in it. On a shared
 * machine the rate moves with the neighbours' load; CPU per event moves much less, so it is the
 * figure to compare between the sink and its in-process peer (the Redis server's CPU is not
 * included).
 */
record Throughput(double eventsPerSecond, double cpuMicrosPerEvent) {

  /** Marks the start of a timed section. */
  static Start start() {
    return new Start(System.nanoTime(), processCpuNanos());
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The start of a timed section. */
  record Start(long wallNanos, long cpuNanos) {
    Throughput end(int events) {
      long wall = System.nanoTime() - wallNanos;
      long cpu = processCpuNanos() - cpuNanos;
      return new Throughput(events / (wall / 1e9), cpu / 1000.0 / events);
    }
  }
}
