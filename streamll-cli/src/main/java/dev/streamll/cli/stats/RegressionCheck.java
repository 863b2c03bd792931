package dev.streamll.cli.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares each version with the previous version (by first-seen time) of the same group: a
 * regression is a p95 duration more than {@code p95Increase} (a fraction: 0.20 = 20%) above the
 * previous one, or an error rate more than {@code errorRateIncrease} (a fraction: 0.05 = 5
 * percentage points) above it. Both versions need at least {@code minRuns} runs; below that a p95
 * or an error rate moves by chance, so the pair is reported as not compared instead. Spans without
 * a version (e.g. the LLM calls inside a versioned module) are not a version and are left out.
 */
public record RegressionCheck(double p95Increase, double errorRateIncrease, long minRuns) {
  // A change exactly at the threshold is not beyond it, whatever the floating-point rounding.
  private static final double EPSILON = 1e-9;

  /** The outcome: regressions found, and versions left out for too few runs. */
  public record Result(List<Regression> regressions, List<GroupStats> tooFewRuns) {
    public Result {
      regressions = List.copyOf(regressions);
      tooFewRuns = List.copyOf(tooFewRuns);
    }
  }

  public RegressionCheck {
    if (p95Increase < 0 || errorRateIncrease < 0 || minRuns < 1) {
      throw new IllegalArgumentException(
          "regression thresholds must be >= 0 and the minimum runs >= 1");
    }
  }

  /**
   * Checks {@code groups} (keys include {@link GroupKey#VERSION}), which must be in first-seen
   * order within each group, as {@link StatsCollector#groups()} returns them.
   */
  public Result check(List<GroupKey> keys, List<GroupStats> groups) {
    int version = keys.indexOf(GroupKey.VERSION);
    if (version < 0) {
      throw new IllegalArgumentException("regressions need version among the --by keys");
    }
    Map<List<String>, List<GroupStats>> versionsByGroup = new LinkedHashMap<>();
    for (GroupStats stats : groups) {
      if (stats.key().get(version).equals(GroupKey.NONE)) {
        continue;
      }
      List<String> group = new ArrayList<>(stats.key());
      group.remove(version);
      versionsByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(stats);
    }
    List<Regression> regressions = new ArrayList<>();
    List<GroupStats> tooFew = new ArrayList<>();
    versionsByGroup.forEach(
        (group, versions) -> {
          for (int i = 1; i < versions.size(); i++) {
            GroupStats before = versions.get(i - 1);
            GroupStats after = versions.get(i);
            if (before.runs() < minRuns || after.runs() < minRuns) {
              tooFew.add(before.runs() < minRuns ? before : after);
              continue;
            }
            String from = before.key().get(version);
            String to = after.key().get(version);
            Double p95Before = before.durationSeconds(95);
            Double p95After = after.durationSeconds(95);
            if (p95Before != null
                && p95After != null
                && before.timedRuns() >= minRuns
                && after.timedRuns() >= minRuns
                && p95After > p95Before * (1 + p95Increase) + EPSILON) {
              regressions.add(new Regression(group, to, from, Regression.P95, p95Before, p95After));
            }
            if (after.errorRate() - before.errorRate() > errorRateIncrease + EPSILON) {
              regressions.add(
                  new Regression(
                      group,
                      to,
                      from,
                      Regression.ERROR_RATE,
                      before.errorRate(),
                      after.errorRate()));
            }
          }
        });
    return new Result(regressions, tooFew.stream().distinct().toList());
  }
}
