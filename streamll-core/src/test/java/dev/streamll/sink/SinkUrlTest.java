package dev.streamll.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SinkUrlTest {

  @Test
  void partsOptionsAndRedaction() {
    SinkUrl url = SinkUrl.parse("redis://app:s3cret@cache.local:6380/2?stream=events&maxlen=1000");

    assertThat(url.scheme()).isEqualTo("redis");
    assertThat(url.host()).isEqualTo("cache.local");
    assertThat(url.port(6379)).isEqualTo(6380);
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s3cret");
    assertThat(url.path()).isEqualTo("2");
    assertThat(url.option("stream", null)).isEqualTo("events");
    assertThat(url.longOption("maxlen", 0)).isEqualTo(1000);
    assertThat(url.toString())
        .isEqualTo("redis://app:***@cache.local:6380/2?stream=events&maxlen=1000");
    assertThat(url.redacted()).doesNotContain("s3cret");
  }

  @Test
  void rawTemplateBracesAreAcceptedInOptions() {
    SinkUrl url = SinkUrl.parse("redis://localhost:6379?stream=llm:{module_name}:{event_type}");

    assertThat(url.option("stream", null)).isEqualTo("llm:{module_name}:{event_type}");
  }

  @Test
  void schemeOnlyAndOpaqueForms() {
    assertThat(SinkUrl.parse("terminal:").options()).isEmpty();
    assertThat(SinkUrl.parse("terminal:?tokens=false").booleanOption("tokens", true)).isFalse();
    assertThat(SinkUrl.parse("journal:/var/lib/app/journal").path())
        .isEqualTo("var/lib/app/journal");
  }

  @Test
  void badInputNamesTheProblemWithoutThePassword() {
    assertThatThrownBy(() -> SinkUrl.parse("  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> SinkUrl.parse("localhost:6379 x")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> SinkUrl.parse("redis://u:pw@h:1?maxlen=lots").longOption("maxlen", 0))
        .hasMessageContaining("'maxlen'")
        .hasMessageContaining("integer")
        .hasMessageNotContaining(":pw@");
    assertThatThrownBy(() -> SinkUrl.parse("redis://u:pw@h:1 /x")).hasMessageNotContaining(":pw@");
  }
}
