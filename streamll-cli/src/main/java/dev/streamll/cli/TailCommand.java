package dev.streamll.cli;

import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.TerminalSink;
import dev.streamll.source.EventSource;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streamll tail}: prints events from a journal or broker, optionally following it. */
@Command(
    name = "tail",
    description = {
      "Print events as the terminal sink shows them, or as JSON lines.",
      "With -f, keep printing new events as the application appends them (Ctrl-C to stop)."
    })
final class TailCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SOURCE",
      description =
          "Journal directory or URL (journal:DIR, redis://…, amqp://…, kafka://…). Default:"
              + " .streamll/journal, or $STREAMLL_HOME/journal.")
  String source;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep waiting for new events.")
  boolean follow;

  @Option(names = "--json", description = "One wire-format JSON object per line.")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Stop after N matching events (e.g. -f --type error --limit 1).")
  Long limit;

  @Mixin SelectionOptions selectionOptions;

  TailCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
    }
    EventSelection selection = selectionOptions.selection(Clock.systemDefaultZone());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Printer printer = new Printer(out, err, json, context.color());
    long[] shown = {0};
    try (EventSource events = Sources.open(source, context)) {
      Sources.skipOlderThan(events, selection.since());
      events.read(
          follow,
          encoded -> {
            if (printer.print(encoded, selection)) {
              shown[0]++;
              if (follow) {
                out.flush();
              }
            }
            return (limit == null || shown[0] < limit) && !Thread.currentThread().isInterrupted();
          });
    } finally {
      printer.finish();
    }
    if (printer.skipped > 0) {
      err.println(
          "streamll tail: skipped "
              + printer.skipped
              + " record(s) that are not valid events (see the messages above)");
    }
    return ExitCode.OK;
  }

  /** Prints events in the terminal sink's format or as raw JSON lines. */
  private static final class Printer {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final TerminalSink terminal;
    private final StringBuilder text = new StringBuilder(256);
    private boolean lineOpen;
    long skipped;

    Printer(PrintWriter out, PrintWriter err, boolean json, boolean color) {
      this.out = out;
      this.err = err;
      this.json = json;
      this.terminal = TerminalSink.builder().color(color).build();
    }

    /** Prints {@code encoded} if {@code selection} accepts it; true if it was printed. */
    boolean print(EncodedEvent encoded, EventSelection selection) {
      StreamllEvent event = null;
      if (!json || selection.filters()) {
        try {
          event = encoded.event();
        } catch (IllegalArgumentException e) {
          skipped++;
          endLine();
          err.println(
              "streamll tail: skipping record "
                  + encoded.sequence()
                  + ", not a valid event: "
                  + e.getMessage());
          return false;
        }
        if (!selection.test(event)) {
          return false;
        }
      }
      if (json) {
        out.print(encoded.jsonString());
        out.print('\n');
        return true;
      }
      text.setLength(0);
      terminal.format(event, text);
      if (text.length() > 0) {
        out.print(text);
        lineOpen = text.charAt(text.length() - 1) != '\n';
      }
      return true;
    }

    private void endLine() {
      if (lineOpen) {
        out.print('\n');
        lineOpen = false;
      }
      out.flush();
    }

    /** Ends an open token line so the shell prompt starts on its own line. */
    void finish() {
      endLine();
    }
  }
}
