package dev.streamll.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time typed on the command line: an age ({@code 90s}, {@code 10m}, {@code 2h}, {@code
 * 1d}, {@code 500ms}) counted back from now, or an ISO-8601 date-time ({@code
 * 2026-11-25T17:00:00Z}; without an offset it is local time) or date (its local midnight).
 */
final class TimeSpec {
  private static final Pattern AGE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private TimeSpec() {}

  /**
   * Parses an age such as {@code 30s} as a duration.
   *
   * @throws IllegalArgumentException saying which forms are accepted
   */
  static Duration parseDuration(String text) {
    Matcher age = AGE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!age.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use e.g. 500ms, 30s, 10m, 2h or 1d");
    }
    return duration(Long.parseLong(age.group(1)), age.group(2));
  }

  private static Duration duration(long amount, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying which forms are accepted
   */
  static Instant parse(String text, Clock clock) {
    String trimmed = text.trim();
    Matcher age = AGE.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (age.matches()) {
      return clock.instant().minus(duration(Long.parseLong(age.group(1)), age.group(2)));
    }
    try {
      return OffsetDateTime.parse(trimmed).toInstant();
    } catch (DateTimeParseException notOffset) {
      try {
        return LocalDateTime.parse(trimmed).atZone(clock.getZone()).toInstant();
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(trimmed).atStartOfDay(clock.getZone()).toInstant();
        } catch (DateTimeParseException notDate) {
          throw new IllegalArgumentException(
              "'"
                  + text
                  + "' is not a time: use an age such as 90s, 10m, 2h, 1d or an ISO-8601 time"
                  + " such as 2026-11-25T17:00:00Z");
        }
      }
    }
  }
}
