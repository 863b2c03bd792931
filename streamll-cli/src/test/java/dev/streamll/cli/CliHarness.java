package dev.streamll.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code streamll} commands in-process with captured output. */
final class CliHarness {
  private final Path workingDirectory;
  private final Map<String, String> environment = new HashMap<>();
  private boolean interactive;

  CliHarness(Path workingDirectory) {
    this.workingDirectory = workingDirectory;
  }

  CliHarness env(String key, String value) {
    environment.put(key, value);
    return this;
  }

  CliHarness interactive(boolean interactive) {
    this.interactive = interactive;
    return this;
  }

  CliContext context() {
    return new CliContext(workingDirectory, environment, interactive);
  }

  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = StreamllCli.commandLine(context());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
