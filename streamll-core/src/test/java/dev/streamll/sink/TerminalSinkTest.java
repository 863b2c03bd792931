package dev.streamll.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.event.StreamllEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalSinkTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TerminalSink sink =
      TerminalSink.builder().out(new PrintStream(bytes, true, StandardCharsets.UTF_8)).build();
  private final StringBuilder text = new StringBuilder();

  private static StreamllEvent event(String span, String type, Map<String, Object> data) {
    return StreamllEvent.builder()
        .spanId("0000-" + span)
        .executionId("exec")
        .timestamp(Instant.parse("2026-11-25T16:31:42Z"))
        .moduleName("ChatBot")
        .methodName("ask")
        .operation("llm_call")
        .eventType(type)
        .data(data)
        .build();
  }

  private String[] lines() {
    return text.toString().split("\n", -1);
  }

  @Test
  void tokensAreAppendedInlineAndEndShowsDurationAndTokenCount() {
    sink.format(event("a1b2c3", "start", Map.of()), text);
    sink.format(event("a1b2c3", "token", Map.of("token", "Hel")), text);
    sink.format(event("a1b2c3", "token", Map.of("token", "lo")), text);
    sink.format(event("a1b2c3", "end", Map.of("duration_seconds", 1.234)), text);

    assertThat(lines()[0]).endsWith("▶ llm_call (a1b2c3) ChatBot.ask");
    assertThat(lines()[1]).endsWith("(a1b2c3) Hello");
    assertThat(lines()[2]).endsWith("■ llm_call (a1b2c3) 1.23s {tokens: 2}");
    assertThat(text.toString()).doesNotContain("\u001b[");
  }

  @Test
  void concurrentSpansNeverShareALine() {
    sink.format(event("aaaaaa", "token", Map.of("token", "one ")), text);
    sink.format(event("bbbbbb", "token", Map.of("token", "two ")), text);
    sink.format(event("aaaaaa", "token", Map.of("token", "three")), text);
    sink.format(event("bbbbbb", "start", Map.of()), text);

    String[] lines = lines();
    assertThat(lines[0]).endsWith("(aaaaaa) one ");
    assertThat(lines[1]).endsWith("(bbbbbb) two ");
    assertThat(lines[2]).endsWith("(aaaaaa) three");
    assertThat(lines[3]).contains("▶ llm_call (bbbbbb)");
  }

  @Test
  void errorsShowTheExceptionAndMessage() {
    sink.format(
        event(
            "cccccc",
            "error",
            Map.of(
                "duration_seconds",
                0.02,
                "error_type",
                "java.io.IOException",
                "error_message",
                "index missing")),
        text);

    assertThat(text.toString()).contains("✗ llm_call (cccccc) 0.02s IOException: index missing");
  }

  @Test
  void writePrintsTheBatchAndCloseEndsAnOpenTokenLine() {
    var codec = new dev.streamll.event.EventCodec();
    sink.write(
        java.util.List.of(
            EncodedEvent.of(0, event("dddddd", "start", Map.of()), codec),
            EncodedEvent.of(1, event("dddddd", "token", Map.of("token", "partial")), codec)));
    sink.close();

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("▶ llm_call (dddddd)").endsWith("(dddddd) partial\n");
  }

  @Test
  void providerReadsOptionsFromTheUrl() {
    Sink fromUrl = Sinks.create("terminal:?tokens=false&data=true&color=false");
    assertThat(fromUrl).isInstanceOf(TerminalSink.class);
    assertThat(fromUrl.name()).isEqualTo("terminal");
  }
}
