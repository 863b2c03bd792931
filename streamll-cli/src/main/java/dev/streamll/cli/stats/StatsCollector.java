package dev.streamll.cli.stats;

import dev.streamll.event.EventTypes;
import dev.streamll.event.StreamllEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregates events into {@link GroupStats}, one per distinct value of the grouping keys.
 *
 * <p>Per finished span ({@code end} or {@code error}): the duration is {@code duration_seconds};
 * tokens are {@code gen_ai.usage.input_tokens} / {@code output_tokens}, and when a span reports no
 * output usage but streamed {@code token} events, their count is its output; time to first token is
 * {@code time_to_first_token_seconds}, or else the time from the span's {@code start} to its first
 * {@code token} event.
 */
public final class StatsCollector {
  static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
  static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  static final String TIME_TO_FIRST_TOKEN = "time_to_first_token_seconds";
  static final String DURATION = "duration_seconds";

  private final List<GroupKey> keys;
  private final Map<List<String>, GroupStats> groups = new LinkedHashMap<>();
  // Spans that started but have not finished; a crashed run leaves its entry until the end.
  private final Map<String, OpenSpan> open = new HashMap<>();

  private static final class OpenSpan {
    Instant start;
    Instant firstToken;
    long tokens;
  }

  public StatsCollector(List<GroupKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("group by at least one key");
    }
    this.keys = List.copyOf(keys);
  }

  public void accept(StreamllEvent event) {
    switch (event.eventType()) {
      case EventTypes.START ->
          open.computeIfAbsent(event.spanId(), id -> new OpenSpan()).start = event.timestamp();
      case EventTypes.TOKEN -> {
        OpenSpan span = open.computeIfAbsent(event.spanId(), id -> new OpenSpan());
        span.tokens++;
        if (span.firstToken == null) {
          span.firstToken = event.timestamp();
        }
      }
      case EventTypes.END, EventTypes.ERROR -> finish(event);
      default -> {}
    }
  }

  private void finish(StreamllEvent event) {
    OpenSpan span = open.remove(event.spanId());
    List<String> key = new ArrayList<>(keys.size());
    for (GroupKey groupKey : keys) {
      key.add(groupKey.valueOf(event));
    }
    Map<String, Object> data = event.data();
    Long output = longValue(data.get(OUTPUT_TOKENS));
    if (output == null && span != null && span.tokens > 0) {
      output = span.tokens;
    }
    Double firstToken = doubleValue(data.get(TIME_TO_FIRST_TOKEN));
    if (firstToken == null && span != null && span.start != null && span.firstToken != null) {
      firstToken = Duration.between(span.start, span.firstToken).toNanos() / 1e9;
    }
    groups
        .computeIfAbsent(key, k -> new GroupStats(k, event.timestamp()))
        .record(
            event.eventType().equals(EventTypes.ERROR),
            doubleValue(data.get(DURATION)),
            longValue(data.get(INPUT_TOKENS)),
            output,
            firstToken);
  }

  private static Double doubleValue(Object value) {
    if (value instanceof Number number) {
      double d = number.doubleValue();
      return Double.isFinite(d) && d >= 0 ? d : null;
    }
    return null;
  }

  private static Long longValue(Object value) {
    if (value instanceof Number number && number.longValue() >= 0) {
      return number.longValue();
    }
    return null;
  }

  /** The groups, sorted by their key values; versions of the same group in first-seen order. */
  public List<GroupStats> groups() {
    int version = keys.indexOf(GroupKey.VERSION);
    Comparator<GroupStats> order = (a, b) -> 0;
    for (int i = 0; i < keys.size(); i++) {
      if (i != version) {
        int index = i;
        order = order.thenComparing(g -> g.key().get(index));
      }
    }
    if (version >= 0) {
      order = order.thenComparing(GroupStats::firstSeen);
    }
    List<GroupStats> sorted = new ArrayList<>(groups.values());
    sorted.sort(order);
    return sorted;
  }
}
