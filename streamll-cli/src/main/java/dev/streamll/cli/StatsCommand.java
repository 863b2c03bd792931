package dev.streamll.cli;

import dev.streamll.cli.stats.GroupKey;
import dev.streamll.cli.stats.RegressionCheck;
import dev.streamll.cli.stats.StatsCollector;
import dev.streamll.cli.stats.StatsReport;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.source.EventSource;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streamll stats}: runs, errors, latency percentiles and tokens per group of spans. */
@Command(
    name = "stats",
    description = {
      "Summarise finished spans per group: runs, errors, duration p50/p95/p99, tokens,"
          + " tokens per second and time to first token.",
      "With --by module,version, flag versions that got slower or fail more often than the"
          + " version before them."
    })
final class StatsCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SOURCE",
      description =
          "Journal directory or URL. Default: .streamll/journal, or $STREAMLL_HOME/journal.")
  String source;

  @Option(
      names = "--by",
      paramLabel = "KEYS",
      description =
          "Group by module, operation, method or version, or a list such as module,version"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "module")
  String by;

  @Option(names = "--json", description = "Print one JSON document instead of a table.")
  boolean json;

  @Option(
      names = "--p95-threshold",
      paramLabel = "PERCENT",
      defaultValue = "20",
      description =
          "Flag a version whose p95 duration is more than PERCENT%% above the previous"
              + " version's (default: ${DEFAULT-VALUE}).")
  double p95Threshold;

  @Option(
      names = "--error-threshold",
      paramLabel = "POINTS",
      defaultValue = "5",
      description =
          "Flag a version whose error rate is more than POINTS percentage points above the"
              + " previous version's (default: ${DEFAULT-VALUE}).")
  double errorThreshold;

  @Option(
      names = "--min-runs",
      paramLabel = "N",
      defaultValue = "30",
      description =
          "Compare two versions only when each has at least N runs (default: ${DEFAULT-VALUE});"
              + " fewer make p95 and error rates noise.")
  long minRuns;

  @Option(
      names = "--fail-on-regression",
      description = "Exit with code 1 when a regression is flagged (for CI).")
  boolean failOnRegression;

  @Mixin SelectionOptions selectionOptions;

  StatsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    List<GroupKey> keys = keys();
    RegressionCheck check = regressionCheck(keys);
    EventSelection selection = selectionOptions.selection(Clock.systemDefaultZone());
    StatsCollector collector = new StatsCollector(keys);
    PrintWriter err = spec.commandLine().getErr();
    long[] invalid = {0};
    try (EventSource events = Sources.open(source, context)) {
      Sources.skipOlderThan(events, selection.since());
      events.read(
          false,
          encoded -> {
            StreamllEvent event;
            try {
              event = encoded.event();
            } catch (IllegalArgumentException e) {
              invalid[0]++;
              return true;
            }
            if (selection.test(event)) {
              collector.accept(event);
            }
            return !Thread.currentThread().isInterrupted();
          });
    }
    if (invalid[0] > 0) {
      err.println("streamll stats: ignored " + invalid[0] + " record(s) that are not valid events");
    }
    RegressionCheck.Result result = check == null ? null : check.check(keys, collector.groups());
    StatsReport report = new StatsReport(keys, collector.groups(), check, result);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(report.json(new EventCodec().mapper()));
    } else {
      out.print(report.table(context.style()));
    }
    out.flush();
    return failOnRegression && result != null && !result.regressions().isEmpty()
        ? ExitCode.SOFTWARE
        : ExitCode.OK;
  }

  private List<GroupKey> keys() {
    try {
      return GroupKey.parseList(by);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--by': " + e.getMessage(), e, null, by);
    }
  }

  private RegressionCheck regressionCheck(List<GroupKey> keys) {
    if (!keys.contains(GroupKey.VERSION)) {
      return null;
    }
    try {
      return new RegressionCheck(p95Threshold / 100, errorThreshold / 100, minRuns);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
