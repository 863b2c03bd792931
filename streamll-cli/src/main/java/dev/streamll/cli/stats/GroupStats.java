package dev.streamll.cli.stats;

import java.time.Instant;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What {@code streamll stats} reports for one group of spans. A run is one finished span (its
 * {@code end} or {@code error} event); durations and time to first token are kept in HdrHistograms
 * of microseconds at 3 significant digits.
 */
public final class GroupStats {
  private final List<String> key;
  private final Instant firstSeen;
  private final Histogram durationMicros = new Histogram(3);
  private final Histogram firstTokenMicros = new Histogram(3);
  private long runs;
  private long errors;
  private long inputTokens;
  private long outputTokens;
  private double outputTokenSeconds;

  GroupStats(List<String> key, Instant firstSeen) {
    this.key = List.copyOf(key);
    this.firstSeen = firstSeen;
  }

  void record(
      boolean error,
      Double durationSeconds,
      Long input,
      Long output,
      Double timeToFirstTokenSeconds) {
    runs++;
    if (error) {
      errors++;
    }
    if (durationSeconds != null) {
      durationMicros.recordValue(micros(durationSeconds));
    }
    if (input != null) {
      inputTokens += input;
    }
    if (output != null) {
      outputTokens += output;
      if (durationSeconds != null && durationSeconds > 0) {
        outputTokenSeconds += durationSeconds;
      }
    }
    if (timeToFirstTokenSeconds != null) {
      firstTokenMicros.recordValue(micros(timeToFirstTokenSeconds));
    }
  }

  // Zero-length spans still count, as one microsecond: the histogram's lowest value.
  private static long micros(double seconds) {
    return Math.max(1, Math.round(seconds * 1_000_000));
  }

  /** The group's values, in the order of the {@code --by} keys. */
  public List<String> key() {
    return key;
  }

  /** When the group's first finished span was seen: orders versions of a module. */
  public Instant firstSeen() {
    return firstSeen;
  }

  public long runs() {
    return runs;
  }

  public long errors() {
    return errors;
  }

  public double errorRate() {
    return runs == 0 ? 0 : (double) errors / runs;
  }

  /** Runs that reported a duration: the sample size of the percentiles. */
  public long timedRuns() {
    return durationMicros.getTotalCount();
  }

  /** The duration percentile in seconds, or null without samples. */
  public Double durationSeconds(double percentile) {
    return percentile(durationMicros, percentile);
  }

  public Double timeToFirstTokenSeconds(double percentile) {
    return percentile(firstTokenMicros, percentile);
  }

  private static Double percentile(Histogram histogram, double percentile) {
    if (histogram.getTotalCount() == 0) {
      return null;
    }
    return histogram.getValueAtPercentile(percentile) / 1_000_000.0;
  }

  public long inputTokens() {
    return inputTokens;
  }

  public long outputTokens() {
    return outputTokens;
  }

  /** Output tokens per second of the spans that produced them, or null when none did. */
  public Double tokensPerSecond() {
    return outputTokenSeconds <= 0 ? null : outputTokens / outputTokenSeconds;
  }
}
