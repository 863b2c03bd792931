package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliBasicsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"demo", "tail", "stats", "replay", "doctor"})
  void everyCommandHasHelp(String command) {
    CliHarness.Result result = new CliHarness(dir).run(command, "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("Usage: streamll " + command).contains("--verbose");
  }

  @Test
  void noCommandOrAnUnknownOneIsAUsageError() {
    CliHarness cli = new CliHarness(dir);

    CliHarness.Result none = cli.run();
    CliHarness.Result unknown = cli.run("tial");

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("Usage: streamll").contains("tail");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unmatched argument").contains("Try 'streamll --help'");
  }

  @Test
  void helpIsColouredOnlyOnATerminal() {
    assertThat(new CliHarness(dir).run("--help").out()).doesNotContain("\u001b[");
    assertThat(new CliHarness(dir).interactive(true).run("--help").out()).contains("\u001b[");
  }
}
