package dev.streamll.cli;

import dev.streamll.demo.DemoApp;
import dev.streamll.demo.DemoOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamll demo}: runs the offline demo application with StreamLL watching it. */
@Command(
    name = "demo",
    description = {
      "Run a small instrumented LLM application offline and watch its events.",
      "Events go to the terminal and the journal; --sink adds more destinations."
    })
final class DemoCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(
      names = "--sink",
      paramLabel = "URL",
      description = "Also send events to URL, e.g. redis://localhost:6379 (repeatable).")
  List<String> sinks = new ArrayList<>();

  @Option(
      names = "--journal",
      paramLabel = "DIR",
      description = "Journal directory (default: .streamll/journal, or $STREAMLL_HOME/journal).")
  String journal;

  DemoCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Path journalDirectory = journal == null ? context.defaultJournal() : context.resolve(journal);
    return DemoApp.run(new DemoOptions(journalDirectory, sinks, System.out));
  }
}
