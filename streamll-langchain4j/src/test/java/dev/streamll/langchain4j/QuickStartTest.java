package dev.streamll.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.streamll.langchain4j.examples.QuickStart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
  private static final Path DOC = Path.of("..", "docs", "langchain4j.md");
  private static final Path EXAMPLES = Path.of("src/test/java/dev/streamll/langchain4j/examples");

  @Test
  void theQuickStartRunsAndPrintsItsEventsToTheTerminal(@TempDir Path home) throws Exception {
    ExecutorService modelThread = Executors.newSingleThreadExecutor();
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String answer;
    // The quick start uses the default journal directory; keep it out of the source tree.
    System.setProperty("streamll.home", home.toString());
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      answer =
          QuickStart.ask(
              new FakeStreamingModel(modelThread, List.of("In ", "the ", "journal."), null, null),
              query -> List.of(Content.from(TextSegment.from("The journal keeps events."))));
    } finally {
      System.setOut(stdout);
      System.clearProperty("streamll.home");
      modelThread.shutdownNow();
      assertThat(modelThread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(answer).isEqualTo("In the journal.");
    assertThat(home.resolve("journal"))
        .isDirectoryContaining(file -> file.toString().endsWith(".seg"));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("module_forward", "Assistant.chat", "retrieve", "llm_call");
  }

  /** Each java block of the page must appear, line by line in order, in one example source. */
  @Test
  void everyJavaBlockOfTheDocsIsCompiledExampleCode() throws IOException {
    List<List<String>> blocks = new ArrayList<>();
    Matcher block =
        Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
    while (block.find()) {
      blocks.add(normalizedLines(block.group(1)));
    }
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
    List<List<String>> sources;
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      sources = new ArrayList<>();
      for (Path file : files.collect(Collectors.toList())) {
        sources.add(normalizedLines(Files.readString(file)));
      }
    }
    for (List<String> lines : blocks) {
      assertThat(sources.stream().anyMatch(source -> isSubsequence(lines, source)))
          .as("docs/langchain4j.md block not found in %s:%n%s", EXAMPLES, String.join("\n", lines))
          .isTrue();
    }
  }

  private static List<String> normalizedLines(String text) {
    return text.lines()
        .map(line -> line.strip().replaceAll("\\s+", " "))
        .filter(line -> !line.isEmpty())
        .collect(Collectors.toList());
  }

  private static boolean isSubsequence(List<String> lines, List<String> source) {
    int at = 0;
    for (String line : source) {
      if (at < lines.size() && line.equals(lines.get(at))) {
        at++;
      }
    }
    return at == lines.size();
  }
}
