package dev.streamll.cli;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --type}, {@code --module} and {@code --since}, shared by tail, stats and replay. */
final class SelectionOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--type",
      split = ",",
      paramLabel = "TYPE",
      description = "Only these event types, e.g. start,error (repeatable, comma-separated).")
  List<String> types = new ArrayList<>();

  @Option(
      names = "--module",
      split = ",",
      paramLabel = "NAME",
      description = "Only events of these modules (module_name; repeatable, comma-separated).")
  List<String> modules = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description =
          "Only events at or after WHEN: an age (90s, 10m, 2h, 1d) or an ISO-8601 time"
              + " (2026-11-25T17:00:00Z).")
  String since;

  EventSelection selection(Clock clock) {
    try {
      return new EventSelection(
          Set.copyOf(types),
          Set.copyOf(modules),
          since == null ? null : TimeSpec.parse(since, clock));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--since': " + e.getMessage(),
          e,
          null,
          since);
    }
  }
}
