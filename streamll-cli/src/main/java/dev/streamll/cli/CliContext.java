package dev.streamll.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the commands need from the process they run in, as a value so tests can run them in-process
 * with their own working directory and environment.
 *
 * @param workingDirectory relative paths (the default journal, {@code --journal}) resolve here
 * @param environment {@code STREAMLL_HOME}, {@code STREAMLL_SINKS} and {@code NO_COLOR} are read
 * @param interactive whether standard output is a terminal: colours and progress bars only then
 */
public record CliContext(
    Path workingDirectory, Map<String, String> environment, boolean interactive) {

  public CliContext {
    workingDirectory = workingDirectory.toAbsolutePath().normalize();
    environment = Map.copyOf(environment);
  }

  /** The context of this JVM: its working directory, environment and console. */
  public static CliContext system() {
    return new CliContext(Path.of(""), System.getenv(), System.console() != null);
  }

  /** {@code $STREAMLL_HOME}, or {@code ./.streamll} in the working directory. */
  public Path home() {
    String home = environment.get("STREAMLL_HOME");
    return home == null || home.isBlank() ? resolve(".streamll") : resolve(home);
  }

  /** Where applications and the demo keep their journal by default: {@code home()/journal}. */
  public Path defaultJournal() {
    return home().resolve("journal");
  }

  public Path resolve(String path) {
    return workingDirectory.resolve(path).normalize();
  }

  /** Colours only on a terminal, and never when {@code NO_COLOR} is set (no-color.org). */
  public boolean color() {
    return interactive && !environment.containsKey("NO_COLOR");
  }

  public Style style() {
    return new Style(color());
  }
}
