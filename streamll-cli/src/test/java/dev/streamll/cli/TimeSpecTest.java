package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TimeSpecTest {
  private final Clock clock =
      Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneId.of("Europe/Berlin"));

  @Test
  void agesCountBackFromNow() {
    assertThat(TimeSpec.parse("90s", clock)).isEqualTo("2026-11-25T11:58:30Z");
    assertThat(TimeSpec.parse("10m", clock)).isEqualTo("2026-11-25T11:50:00Z");
    assertThat(TimeSpec.parse("2h", clock)).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(TimeSpec.parse("1d", clock)).isEqualTo("2026-11-24T12:00:00Z");
    assertThat(TimeSpec.parse("500ms", clock)).isEqualTo("2026-11-25T11:59:59.500Z");
    assertThat(TimeSpec.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void isoTimesWithoutAnOffsetAreLocal() {
    assertThat(TimeSpec.parse("2026-11-25T17:00:00Z", clock)).isEqualTo("2026-11-25T17:00:00Z");
    assertThat(TimeSpec.parse("2026-11-25T17:00:00+02:00", clock))
        .isEqualTo("2026-11-25T15:00:00Z");
    assertThat(TimeSpec.parse("2026-11-25T17:00", clock)).isEqualTo("2026-11-25T16:00:00Z");
    assertThat(TimeSpec.parse("2026-11-25", clock)).isEqualTo("2026-11-24T23:00:00Z");
  }

  @Test
  void anythingElseIsRejectedWithTheAcceptedForms() {
    assertThatThrownBy(() -> TimeSpec.parse("yesterday", clock))
        .hasMessageContaining("use an age such as 90s, 10m, 2h, 1d");
    assertThatThrownBy(() -> TimeSpec.parseDuration("2026-11-25"))
        .hasMessageContaining("is not a duration");
  }
}
