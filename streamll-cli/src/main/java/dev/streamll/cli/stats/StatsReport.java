package dev.streamll.cli.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamll.cli.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders stats as an aligned table for people or as one JSON document for scripts. */
public final class StatsReport {
  private final List<GroupKey> keys;
  private final List<GroupStats> groups;
  private final RegressionCheck check;
  private final RegressionCheck.Result result;

  /** {@code check} and {@code result} are null when versions are not compared. */
  public StatsReport(
      List<GroupKey> keys,
      List<GroupStats> groups,
      RegressionCheck check,
      RegressionCheck.Result result) {
    this.keys = List.copyOf(keys);
    this.groups = List.copyOf(groups);
    this.check = check;
    this.result = result;
  }

  public String table(Style style) {
    List<String> header = new ArrayList<>();
    keys.forEach(k -> header.add(k.label().toUpperCase(Locale.ROOT)));
    header.addAll(
        List.of(
            "RUNS",
            "ERRORS",
            "ERR%",
            "P50",
            "P95",
            "P99",
            "IN TOK",
            "OUT TOK",
            "TOK/S",
            "TTFT P50"));
    List<List<String>> rows = new ArrayList<>();
    for (GroupStats g : groups) {
      List<String> row = new ArrayList<>(g.key());
      row.add(Long.toString(g.runs()));
      row.add(Long.toString(g.errors()));
      row.add(percent(g.errorRate()));
      row.add(seconds(g.durationSeconds(50)));
      row.add(seconds(g.durationSeconds(95)));
      row.add(seconds(g.durationSeconds(99)));
      row.add(g.inputTokens() == 0 ? "-" : Long.toString(g.inputTokens()));
      row.add(g.outputTokens() == 0 ? "-" : Long.toString(g.outputTokens()));
      row.add(g.tokensPerSecond() == null ? "-" : format("%.1f", g.tokensPerSecond()));
      row.add(seconds(g.timeToFirstTokenSeconds(50)));
      rows.add(row);
    }
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    text.append(style.bold(line(header, widths, keys.size()))).append('\n');
    for (List<String> row : rows) {
      text.append(line(row, widths, keys.size())).append('\n');
    }
    if (groups.isEmpty()) {
      text.append("(no finished spans: nothing to report)\n");
    }
    if (result != null) {
      text.append('\n').append(regressions(style));
    }
    return text.toString();
  }

  private static String line(List<String> cells, int[] widths, int textColumns) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append("  ");
      }
      String cell = cells.get(i);
      String pad = " ".repeat(widths[i] - cell.length());
      // Names read left to right, numbers line up on the right.
      line.append(i < textColumns ? cell + pad : pad + cell);
    }
    return line.toString().stripTrailing();
  }

  private String regressions(Style style) {
    StringBuilder text = new StringBuilder();
    String rule =
        format(
            "p95 more than %s%% slower or error rate more than %s points higher than the previous"
                + " version, both with at least %d runs",
            number(check.p95Increase() * 100),
            number(check.errorRateIncrease() * 100),
            check.minRuns());
    if (result.regressions().isEmpty()) {
      text.append(style.green("No regressions")).append(" (").append(rule).append(").\n");
    } else {
      text.append(style.red(style.bold("Regressions"))).append(" (").append(rule).append("):\n");
      for (Regression r : result.regressions()) {
        String name = String.join(" ", r.group());
        if (r.metric().equals(Regression.P95)) {
          text.append(
              style.red(
                  format(
                      "  ⚠ %s %s vs %s: p95 %s → %s (%+.0f%%)%n",
                      name,
                      r.version(),
                      r.previousVersion(),
                      seconds(r.previous()),
                      seconds(r.current()),
                      (r.current() / r.previous() - 1) * 100)));
        } else {
          text.append(
              style.red(
                  format(
                      "  ⚠ %s %s vs %s: error rate %s → %s (%+.1f points)%n",
                      name,
                      r.version(),
                      r.previousVersion(),
                      percent(r.previous()),
                      percent(r.current()),
                      (r.current() - r.previous()) * 100)));
        }
      }
    }
    for (GroupStats few : result.tooFewRuns()) {
      text.append(
          style.dim(
              format(
                  "  not compared: %s has %d runs, fewer than %d%n",
                  String.join(" ", few.key()), few.runs(), check.minRuns())));
    }
    return text.toString();
  }

  public String json(ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    ArrayNode by = root.putArray("group_by");
    keys.forEach(k -> by.add(k.label()));
    ArrayNode array = root.putArray("groups");
    for (GroupStats g : groups) {
      ObjectNode node = array.addObject();
      for (int i = 0; i < keys.size(); i++) {
        String value = g.key().get(i);
        if (value.equals(GroupKey.NONE)) {
          node.putNull(keys.get(i).label());
        } else {
          node.put(keys.get(i).label(), value);
        }
      }
      node.put("runs", g.runs());
      node.put("errors", g.errors());
      node.put("error_rate", g.errorRate());
      ObjectNode duration = node.putObject("duration_seconds");
      putPercentiles(duration, g.durationSeconds(50), g.durationSeconds(95), g.durationSeconds(99));
      node.put("input_tokens", g.inputTokens());
      node.put("output_tokens", g.outputTokens());
      node.put("tokens_per_second", g.tokensPerSecond());
      ObjectNode ttft = node.putObject("time_to_first_token_seconds");
      putPercentiles(
          ttft,
          g.timeToFirstTokenSeconds(50),
          g.timeToFirstTokenSeconds(95),
          g.timeToFirstTokenSeconds(99));
      node.put("first_seen", g.firstSeen().toString());
    }
    if (result != null) {
      ObjectNode thresholds = root.putObject("regression_thresholds");
      thresholds.put("p95_increase", check.p95Increase());
      thresholds.put("error_rate_increase", check.errorRateIncrease());
      thresholds.put("min_runs", check.minRuns());
      ArrayNode regressions = root.putArray("regressions");
      for (Regression r : result.regressions()) {
        ObjectNode node = regressions.addObject();
        ArrayNode group = node.putArray("group");
        r.group().forEach(group::add);
        node.put("version", r.version());
        node.put("previous_version", r.previousVersion());
        node.put("metric", r.metric());
        node.put("previous", r.previous());
        node.put("current", r.current());
      }
    }
    try {
      return mapper.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stats could not be written as JSON", e);
    }
  }

  private static void putPercentiles(ObjectNode node, Double p50, Double p95, Double p99) {
    node.put("p50", p50);
    node.put("p95", p95);
    node.put("p99", p99);
  }

  static String seconds(Double seconds) {
    if (seconds == null) {
      return "-";
    }
    if (seconds >= 1) {
      return format("%.2fs", seconds);
    }
    if (seconds >= 0.001) {
      return format("%.0fms", seconds * 1000);
    }
    return format("%.0fµs", seconds * 1_000_000);
  }

  private static String percent(double rate) {
    return format("%.1f%%", rate * 100);
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : format("%.1f", value);
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
