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
  void valuesOfOptionsThatCarrySecretsAreRedacted() {
    String url =
        "kafka://b1:9093/events?kafka.security.protocol=SASL_SSL"
            + "&kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
            + "%20required%20username%3D%22app%22%20password%3D%22p4ss%22%3B"
            + "&kafka.ssl.truststore.password=tr5st&kafka.ssl.key.password=k3y"
            + "&consumer.sasl.oauthbearer.client.credentials.client.secret=0auth"
            + "&truststore_password=amqp5&producer.linger.ms=5";

    String redacted = SinkUrl.parse(url).redacted();

    assertThat(redacted)
        .doesNotContain("p4ss", "tr5st", "k3y", "0auth", "amqp5", "PlainLoginModule")
        .contains("kafka.ssl.truststore.password=***")
        .contains("kafka.sasl.jaas.config=***")
        .contains("kafka.security.protocol=SASL_SSL")
        .contains("producer.linger.ms=5");
    assertThat(SinkUrl.parse("terminal:?tokens=false").redacted())
        .isEqualTo("terminal:?tokens=false");
    assertThat(SinkUrl.parse("redis://h:6379?stream=s&access_token=t0k&api-key=x").redacted())
        .isEqualTo("redis://h:6379?stream=s&access_token=***&api-key=***");
    assertThatThrownBy(() -> SinkUrl.parse("kafka//b1:9093/t?kafka.ssl.truststore.password=tr5st"))
        .hasMessageNotContaining("tr5st");
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
