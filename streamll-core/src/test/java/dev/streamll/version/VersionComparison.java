package dev.streamll.version;

import dev.streamll.event.EventTypes;
import dev.streamll.event.StreamllEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consumer's view of module versions, built from the {@code end} and {@code error} events it
 * reads (from Redis, Kafka, RabbitMQ or the journal): count, latency percentiles and error rate per
 * module and version, and which versions got slower than a baseline. The example in {@code
 * docs/version-tracking.md}.
 */
public final class VersionComparison {
  /** A module as one version of its code: {@code module_version}, or "unversioned". */
  public record Key(String module, String version) {}

  /** What one module version did. */
  public static final class Stats {
    private final List<Double> durations = new ArrayList<>();
    private int errors;

    public int count() {
      return durations.size();
    }

    public double errorRate() {
      return durations.isEmpty() ? 0 : (double) errors / durations.size();
    }

    /** Latency percentile in seconds, {@code p} in (0, 1]. */
    public double percentile(double p) {
      List<Double> sorted = new ArrayList<>(durations);
      Collections.sort(sorted);
      int index = (int) Math.ceil(p * sorted.size()) - 1;
      return sorted.get(Math.max(0, index));
    }
  }

  private final Map<Key, Stats> stats = new LinkedHashMap<>();

  public void accept(StreamllEvent event) {
    boolean error = EventTypes.ERROR.equals(event.eventType());
    if (!error && !EventTypes.END.equals(event.eventType())) {
      return;
    }
    Object duration = event.data().get("duration_seconds");
    if (!(duration instanceof Number)) {
      return;
    }
    String version = event.moduleVersion() == null ? "unversioned" : event.moduleVersion();
    Stats s = stats.computeIfAbsent(new Key(event.moduleName(), version), k -> new Stats());
    s.durations.add(((Number) duration).doubleValue());
    if (error) {
      s.errors++;
    }
  }

  public Map<Key, Stats> stats() {
    return Collections.unmodifiableMap(stats);
  }

  /**
   * The versions of {@code module} whose p95 latency exceeds {@code factor} times the baseline's
   * (e.g. 1.2: more than 20% slower) or whose error rate is higher.
   */
  public List<Key> regressions(String module, String baselineVersion, double factor) {
    Stats baseline = stats.get(new Key(module, baselineVersion));
    if (baseline == null) {
      throw new IllegalArgumentException(
          "no events of module '" + module + "' at version '" + baselineVersion + "'");
    }
    List<Key> slower = new ArrayList<>();
    for (Map.Entry<Key, Stats> entry : stats.entrySet()) {
      Key key = entry.getKey();
      Stats candidate = entry.getValue();
      if (!key.module().equals(module) || key.version().equals(baselineVersion)) {
        continue;
      }
      if (candidate.percentile(0.95) > factor * baseline.percentile(0.95)
          || candidate.errorRate() > baseline.errorRate()) {
        slower.add(key);
      }
    }
    return slower;
  }
}
