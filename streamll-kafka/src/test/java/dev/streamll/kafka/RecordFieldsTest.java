package dev.streamll.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.event.TopLevelFields;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The end-first read of schema_version must agree with a full forward scan, or step aside. */
class RecordFieldsTest {
  private static final TopLevelFields FULL_SCAN =
      TopLevelFields.of("execution_id", "event_type", "module_name", "schema_version");

  @Test
  void codecOutputIsReadFromTheEndAndAgreesWithTheFullScan() {
    EventCodec codec = new EventCodec();
    List<StreamllEvent> events =
        List.of(
            StreamllEvent.builder().eventType("token").data("token", "Paris").build(),
            StreamllEvent.builder()
                .moduleName("rag \"quoted\" \\ name")
                .data("schema_version", "nested")
                .data("text", "a,\"schema_version\":\"9\"}")
                .tag("schema_version", "tag")
                .build(),
            StreamllEvent.builder().data(Map.of()).build());
    for (StreamllEvent event : events) {
      byte[] json = codec.encode(event);
      assertThat(RecordFields.trailingSchemaVersion(json)).isNotNull();
      assertAgreesWithFullScan(json);
    }
  }

  @Test
  void otherShapesFallBackToTheFullScan() {
    String[] jsons = {
      "{\"execution_id\":\"x\",\"schema_version\":\"1.\\u0030\"}",
      "{\"execution_id\":\"x\",\"schema_version\":1.0}",
      "{\"execution_id\":\"x\",\"schema_version\":\"1.0\",\"late\":true}",
      "{\"execution_id\":\"x\",\"data\":{\"schema_version\":\"inner\"}}",
      "{\"execution_id\":\"x\",\"text\":\"\\\",\\\"schema_version\\\":\\\"2\\\"\"}",
      "{\"execution_id\":\"x\",\"text\":\"a\\\\\",\"schema_version\":\"3\"}",
      "{\"xschema_version\":\"1.0\"}",
      "{}",
    };
    for (String text : jsons) {
      assertAgreesWithFullScan(text.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(RecordFields.trailingSchemaVersion(bytes(jsons[0]))).isNull();
    assertThat(RecordFields.trailingSchemaVersion(bytes(jsons[4]))).isNull();
    assertThatThrownBy(() -> RecordFields.of(bytes("[\"schema_version\",\"1.0\"]")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void whitespaceAndTheOnlyMemberAreRecognised() {
    assertThat(RecordFields.trailingSchemaVersion(bytes("{ \"schema_version\" :\n \"2.1\" }\n")))
        .isEqualTo(bytes("2.1"));
    assertThat(RecordFields.trailingSchemaVersion(bytes("{\"schema_version\":\"\"}")))
        .isEqualTo(bytes(""));
    assertThat(RecordFields.trailingSchemaVersion(bytes("\"schema_version\":\"1\"}"))).isNull();
  }

  @Test
  void theCodecsLayoutIsWalkedAndAgreesWithTheFullScan() {
    EventCodec codec = new EventCodec();
    List<StreamllEvent> events =
        List.of(
            StreamllEvent.builder()
                .executionId("exec-1")
                .moduleName("rag_pipeline")
                .eventType("token")
                .data("token", "Paris")
                .build(),
            StreamllEvent.builder().moduleName("módulo ☃").eventType("end").build(),
            new StreamllEvent(
                null,
                "exec-2",
                null,
                null,
                Instant.EPOCH,
                null,
                null,
                null,
                null,
                Map.of(),
                Map.of(),
                null,
                null,
                null,
                StreamllEvent.SCHEMA_VERSION));
    for (StreamllEvent event : events) {
      byte[] json = codec.encode(event);
      assertThat(RecordFields.codecLayout(json)).as(new String(json, UTF_8)).isNotNull();
      assertAgreesWithFullScan(json);
    }
  }

  /** A name given again after the leading members: the walk and the scan both keep the first. */
  @Test
  void aLeadingMemberRepeatedLaterKeepsItsFirstValue() {
    String layout =
        new String(
            new EventCodec()
                .encode(
                    StreamllEvent.builder()
                        .executionId("x")
                        .moduleName("m")
                        .eventType("t")
                        .build()),
            UTF_8);
    byte[] json =
        bytes(
            layout.replace(
                ",\"tags\":",
                ",\"execution_id\":\"dup\",\"event_type\":\"dup\",\"module_name\":null,\"tags\":"));
    assertThat(RecordFields.codecLayout(json)).isNotNull();
    assertAgreesWithFullScan(json);
    assertThat(RecordFields.of(json).executionId()).isEqualTo(bytes("x"));
  }

  @Test
  void anythingButTheCodecsLayoutStepsAsideFromTheWalk() {
    byte[] codecJson =
        new EventCodec()
            .encode(
                StreamllEvent.builder().executionId("x").moduleName("m").eventType("t").build());
    String layout = new String(codecJson, UTF_8);
    String[] jsons = {
      layout.replace("\"module_name\":\"m\"", "\"module_name\":\"a\\\"b\""),
      layout.replace("\"module_name\":\"m\"", "\"module_name\":7"),
      layout.replace("{\"event_id\":", "{ \"event_id\":"),
      layout.replace(",\"method_name\":", ",\"method\":"),
      layout.substring(0, layout.indexOf(",\"event_type\"") + 5),
      layout.substring(0, layout.indexOf("\"m\"") + 2),
      "{\"execution_id\":\"x\",\"schema_version\":\"1.0\"}",
    };
    assertThat(
            RecordFields.codecLayout(
                bytes(layout.replace("\"module_name\":\"m\"", "\"module_name\":\"a\u0001b\""))))
        .isNull();
    for (String text : jsons) {
      byte[] json = bytes(text);
      assertThat(RecordFields.codecLayout(json)).as(text).isNull();
      if (text.endsWith("}")) {
        assertAgreesWithFullScan(json);
      }
    }
  }

  /** A JSON object giving the name twice: the trailing one wins, as when Jackson reads it. */
  @Test
  void aRepeatedTrailingSchemaVersionWins() {
    byte[] json =
        bytes("{\"schema_version\":\"1.0\",\"execution_id\":\"x\",\"schema_version\":\"2\"}");
    assertThat(RecordFields.of(json).schemaVersion()).isEqualTo(bytes("2"));
  }

  private static void assertAgreesWithFullScan(byte[] json) {
    byte[][] expected = FULL_SCAN.utf8(json);
    RecordFields fields = RecordFields.of(json);
    assertThat(fields.executionId()).isEqualTo(expected[0]);
    assertThat(fields.eventType()).isEqualTo(expected[1]);
    assertThat(fields.moduleName()).isEqualTo(expected[2]);
    assertThat(fields.schemaVersion())
        .as(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(expected[3]);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
