package dev.streamll.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.FileJournal;
import dev.streamll.journal.JournalReader;
import dev.streamll.journal.RecordHandler;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.testing.CollectingSink;
import dev.streamll.testing.EventSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoAppTest {

  @Test
  void theOfflineDemoAnswersThreeQuestionsAndItsJournalAndExtraSinkHoldEveryEvent(
      @TempDir Path dir) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String url = "collect:demo-test";
    CollectingSink sink = CollectingSinkProvider.sink(url);

    int exit =
        DemoApp.run(
            new DemoOptions(
                dir.resolve("journal"),
                List.of(url),
                new PrintStream(printed, true, StandardCharsets.UTF_8)),
            Map.of());

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(output).isZero();
    for (EncodedEvent encoded : sink.confirmed()) {
      EventSchema.assertValid(encoded.json());
    }
    List<StreamllEvent> events = sink.events();
    List<StreamllEvent> journaled = readJournal(dir.resolve("journal"));
    assertThat(journaled)
        .extracting(StreamllEvent::eventId)
        .containsExactlyElementsOf(events.stream().map(StreamllEvent::eventId).toList());
    Map<String, List<StreamllEvent>> runs =
        events.stream()
            .collect(
                Collectors.groupingBy(
                    StreamllEvent::executionId, LinkedHashMap::new, Collectors.toList()));
    assertThat(runs).hasSize(3);
    List<List<String>> shapes = new ArrayList<>();
    runs.values().forEach(run -> shapes.add(collapseTokens(run)));

    assertThat(shapes.get(0))
        .containsExactly(
            "module_forward:start",
            "retrieve:start",
            "retrieve:end",
            "llm_call:start",
            "llm_call:token*",
            "llm_call:end",
            "module_forward:end");
    assertThat(shapes.get(1))
        .containsExactly(
            "module_forward:start",
            "retrieve:start",
            "retrieve:end",
            "llm_call:start",
            "llm_call:end",
            "tool_call:start",
            "tool_call:end",
            "llm_call:start",
            "llm_call:token*",
            "llm_call:end",
            "module_forward:end");
    assertThat(shapes.get(2)).contains("tool_call:error").endsWith("module_forward:end");

    List<StreamllEvent> first = runs.values().iterator().next();
    StreamllEvent module = first.get(0);
    assertThat(module.moduleName()).isEqualTo("Assistant");
    assertThat(module.methodName()).isEqualTo("answer");
    StreamllEvent retrieved = first.get(2);
    assertThat(retrieved.data().get("result_count")).isEqualTo(2);
    assertThat((List<?>) retrieved.data().get("scores")).hasSize(2);
    assertThat(String.valueOf(retrieved.data().get("documents"))).contains("journal");
    String answer =
        first.stream()
            .filter(e -> e.eventType().equals("token"))
            .map(e -> (String) e.data().get("token"))
            .collect(Collectors.joining());
    assertThat(answer).contains("journal");
    StreamllEvent llmEnd =
        first.stream()
            .filter(e -> e.operation().equals("llm_call") && e.eventType().equals("end"))
            .findFirst()
            .orElseThrow();
    assertThat(llmEnd.data())
        .containsEntry("gen_ai.response.model", OfflineChatModel.MODEL_NAME)
        .containsKeys("gen_ai.usage.input_tokens", "time_to_first_token_seconds");
    assertThat(first).allSatisfy(e -> assertThat(e.executionId()).isEqualTo(module.executionId()));

    assertThat(output)
        .contains("? " + DemoApp.QUESTIONS.get(0))
        .contains("StreamLL recorded " + events.size() + " events")
        .contains("collect:demo-test")
        .contains("./streamll tail")
        .contains("./streamll stats");
  }

  @Test
  void aBadSinkUrlStopsTheDemoAtOnceWithAMessageNamingIt(@TempDir Path dir) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    int exit =
        DemoApp.run(
            new DemoOptions(
                dir.resolve("journal"),
                List.of("nosuch://localhost:1"),
                new PrintStream(printed, true, StandardCharsets.UTF_8)),
            Map.of());

    assertThat(exit).isEqualTo(2);
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("Could not start StreamLL")
        .contains("nosuch")
        .doesNotContain("Embedded");
  }

  private static List<StreamllEvent> readJournal(Path directory) {
    EventCodec codec = new EventCodec();
    List<StreamllEvent> events = new ArrayList<>();
    try (FileJournal journal = FileJournal.openReadOnly(directory);
        JournalReader reader = journal.reader(journal.firstSequence())) {
      RecordHandler decode =
          (sequence, timestampMicros, payload) -> {
            byte[] json = new byte[payload.remaining()];
            payload.get(json);
            events.add(codec.decode(json));
          };
      int read;
      do {
        read = reader.read(1024, decode);
      } while (read > 0);
    }
    return events;
  }

  private static List<String> collapseTokens(List<StreamllEvent> run) {
    List<String> shape = new ArrayList<>();
    for (StreamllEvent event : run) {
      String step = event.operation() + ":" + event.eventType();
      if (event.eventType().equals("token")) {
        step += "*";
        if (!shape.isEmpty() && shape.get(shape.size() - 1).equals(step)) {
          continue;
        }
      }
      shape.add(step);
    }
    return shape;
  }

  @Test
  void aJournalLockedByAnotherWriterIsAFailureNotAUsageError(@TempDir Path dir) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (dev.streamll.journal.FileJournal writer =
        dev.streamll.journal.FileJournal.open(dir.resolve("journal"))) {
      int exit =
          DemoApp.run(
              new DemoOptions(
                  dir.resolve("journal"),
                  List.of(),
                  new PrintStream(printed, true, StandardCharsets.UTF_8)),
              Map.of());

      assertThat(writer.nextSequence()).isZero();
      assertThat(exit).isEqualTo(1);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("Could not start StreamLL")
        .contains(dir.resolve("journal").toString());
  }
}
