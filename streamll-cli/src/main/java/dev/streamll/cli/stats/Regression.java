package dev.streamll.cli.stats;

import java.util.List;

/**
 * A version that got worse than the version of the same group seen before it.
 *
 * @param group the group's key values other than the version, e.g. the module
 * @param metric {@code p95_duration_seconds} or {@code error_rate}
 * @param previous the metric for {@code previousVersion}
 * @param current the metric for {@code version}
 */
public record Regression(
    List<String> group,
    String version,
    String previousVersion,
    String metric,
    double previous,
    double current) {

  public static final String P95 = "p95_duration_seconds";
  public static final String ERROR_RATE = "error_rate";

  public Regression {
    group = List.copyOf(group);
  }
}
