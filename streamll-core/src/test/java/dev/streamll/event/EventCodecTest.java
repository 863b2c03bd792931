package dev.streamll.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.testing.EventSchema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  private final EventCodec codec = new EventCodec();

  private static StreamllEvent sample() {
    return StreamllEvent.builder()
        .executionId("exec-1")
        .parentId("parent-1")
        .spanId("span-1")
        .timestamp(Instant.parse("2026-11-25T16:31:42.123456789Z"))
        .moduleName("ChatBot")
        .methodName("ask")
        .operation("llm_call")
        .eventType("end")
        .data("gen_ai.request.model", "gpt-4o")
        .data("gen_ai.usage.output_tokens", 42)
        .data("nested", Map.of("k", List.of(1, 2)))
        .tag("customer_id", "c-7")
        .moduleVersion("v1")
        .codeSignature("sig")
        .gitCommit("abc123")
        .build();
  }

  @Test
  void encodedEventMatchesTheSchemaAndRoundTrips() {
    StreamllEvent event = sample();
    String json = codec.encodeToString(event);

    EventSchema.assertValid(json);
    assertThat(json).contains("\"timestamp\":\"2026-11-25T16:31:42.123456Z\"");
    StreamllEvent back = codec.decode(json);
    assertThat(back)
        .isEqualTo(
            event.toBuilder().timestamp(Instant.parse("2026-11-25T16:31:42.123456Z")).build());
  }

  @Test
  void fastTimestampFormatAgreesWithTheJdkFormatter() {
    java.time.format.DateTimeFormatter jdk =
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 10_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              (long) (random.nextDouble() * 253_402_300_799L), random.nextInt(1_000_000_000));
      assertThat(EventCodec.formatTimestamp(instant))
          .isEqualTo(jdk.format(instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    }
    assertThat(EventCodec.formatTimestamp(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00.000000Z");
  }

  /** The writer keeps the last second's text; every encode must still write its own instant. */
  @Test
  void consecutiveEncodesWriteEachTimestampWhateverTheSecondBefore() {
    EventCodec codec = new EventCodec();
    Instant base = Instant.parse("2026-12-31T23:59:59.000001Z");
    List<Instant> instants =
        List.of(
            base,
            base.plusNanos(999_998_000),
            base.plusSeconds(1),
            base,
            base.minusSeconds(86_400),
            Instant.EPOCH,
            Instant.ofEpochSecond(253_402_300_800L),
            base.plusSeconds(1).plusNanos(5_000));
    for (Instant instant : instants) {
      String json = codec.encodeToString(StreamllEvent.builder().timestamp(instant).build());
      assertThat(json).contains("\"timestamp\":\"" + EventCodec.formatTimestamp(instant) + "\"");
    }
  }

  @Test
  void eventIdsAreUuidV7AndTimeOrdered() {
    String first = EventIds.newId(1_700_000_000_000L);
    String second = EventIds.newId(1_700_000_000_001L);
    assertThat(first)
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(first.compareTo(second)).isNegative();
    assertThat(EventIds.newId()).isNotEqualTo(EventIds.newId());
  }

  @Test
  void readsAStreamllPythonEventWithoutLoss() {
    String python =
        "{\"event_id\": \"2f1c6a4e-6f9b-4c1e-9b1a-3d2a1f0e9c8b\","
            + " \"execution_id\": \"run-42\","
            + " \"timestamp\": \"2024-05-01T12:00:00.123456+00:00\","
            + " \"module_name\": \"RAG\", \"method_name\": \"forward\","
            + " \"event_type\": \"start\", \"operation\": \"module_forward\","
            + " \"data\": {\"question\": \"why?\", \"k\": 3, \"scores\": [0.5, 0.25]},"
            + " \"tags\": {\"department\": \"search\"}}";

    StreamllEvent event = codec.decode(python);

    assertThat(event.eventId()).isEqualTo("2f1c6a4e-6f9b-4c1e-9b1a-3d2a1f0e9c8b");
    assertThat(event.executionId()).isEqualTo("run-42");
    assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-05-01T12:00:00.123456Z"));
    assertThat(event.moduleName()).isEqualTo("RAG");
    assertThat(event.methodName()).isEqualTo("forward");
    assertThat(event.eventType()).isEqualTo("start");
    assertThat(event.operation()).isEqualTo("module_forward");
    assertThat(event.data())
        .containsEntry("question", "why?")
        .containsEntry("k", 3)
        .containsEntry("scores", List.of(0.5, 0.25));
    assertThat(event.tags()).containsEntry("department", "search");
  }

  @Test
  void unserializableDataIsCoercedToStringWithAMarker() throws Exception {
    Object selfReferencing =
        new Object() {
          @SuppressWarnings("unused")
          public Object getSelf() {
            return this;
          }

          @Override
          public String toString() {
            return "loop";
          }
        };
    StreamllEvent event =
        sample().toBuilder().data("bad", selfReferencing).data("good", "fine").build();

    String json = codec.encodeToString(event);

    EventSchema.assertValid(json);
    JsonNode data = new ObjectMapper().readTree(json).get("data");
    assertThat(data.get("bad").asText()).isEqualTo("loop");
    assertThat(data.get("good").asText()).isEqualTo("fine");
    assertThat(data.get(EventCodec.COERCED_MARKER).get(0).asText()).isEqualTo("bad");
  }

  @Test
  void oversizedPayloadIsTruncatedWithAMarker() throws Exception {
    EventCodec small = new EventCodec(8 * 1024);
    StreamllEvent event = sample().toBuilder().data("prompt", "x".repeat(100_000)).build();

    byte[] json = small.encode(event);

    assertThat(json.length).isLessThanOrEqualTo(8 * 1024);
    EventSchema.assertValid(json);
    JsonNode data = new ObjectMapper().readTree(json).get("data");
    assertThat(data.get(EventCodec.TRUNCATED_MARKER).asBoolean()).isTrue();
    assertThat(data.get("original_bytes").asInt()).isGreaterThan(100_000);
  }

  @Test
  void nullNamesBecomeDefaults() {
    StreamllEvent event =
        new StreamllEvent(
            null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null);

    assertThat(event.moduleName()).isEqualTo(StreamllEvent.DEFAULT_MODULE);
    assertThat(event.operation()).isEqualTo(StreamllEvent.DEFAULT_OPERATION);
    assertThat(event.eventType()).isEqualTo(StreamllEvent.DEFAULT_EVENT_TYPE);
    EventSchema.assertValid(codec.encode(event));
  }

  @Test
  void malformedJsonNamesTheProblem() {
    assertThatThrownBy(() -> codec.decode("{\"data\": 5}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'data'");
    assertThatThrownBy(() -> codec.decode("[1]")).hasMessageContaining("object");
    assertThatThrownBy(() -> codec.decode("{\"timestamp\": \"yesterday\"}"))
        .hasMessageContaining("'timestamp'");
  }
}
