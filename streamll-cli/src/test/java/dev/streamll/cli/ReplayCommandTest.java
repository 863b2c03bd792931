package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.FileJournal;
import dev.streamll.sink.EncodedEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {
  @TempDir Path dir;

  private final JournalWriters writers = new JournalWriters();
  private CliHarness cli;
  private Events events;
  private final List<StreamllEvent> stored = new ArrayList<>();
  private String target;

  @BeforeEach
  void setUp(org.junit.jupiter.api.TestInfo test) throws Exception {
    cli = new CliHarness(dir);
    FileJournal journal = writers.open(dir.resolve("journal"));
    events = new Events(journal, Instant.parse("2026-11-25T10:00:00Z"));
    for (int i = 0; i < 200; i++) {
      stored.addAll(events.span("M" + (i % 3), null, 0.1, i % 7 == 0, 2, Map.of()));
    }
    target = test.getTestMethod().orElseThrow().getName();
    TestSinkProvider.reset(target);
  }

  private List<String> delivered() {
    return TestSinkProvider.sink(target).confirmed().stream()
        .map(EncodedEvent::jsonString)
        .toList();
  }

  private static List<String> json(List<StreamllEvent> events) {
    return events.stream().map(Events.CODEC::encodeToString).toList();
  }

  @Test
  void deliversEveryStoredEventInOrderThroughTheForwarder() {
    CliHarness.Result result = cli.run("replay", "journal", "--to", "test://" + target);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(delivered()).containsExactlyElementsOf(json(stored));
    assertThat(result.out()).contains("800 delivered, 0 failed");
  }

  @Test
  void showsAProgressBarOnlyOnATerminal() {
    CliHarness.Result onTerminal =
        cli.interactive(true).run("replay", "journal", "--to", "test://" + target);
    CliHarness.Result piped =
        cli.interactive(false).run("replay", "journal", "--to", "test://" + target);

    assertThat(onTerminal.err()).contains("\r[##############################] 100%  800/800");
    assertThat(piped.err()).isEmpty();
  }

  @Test
  void filtersByTypeAndStartsFromASequenceOrATime() {
    CliHarness.Result errors =
        cli.run("replay", "journal", "--to", "test://" + target, "--type", "error");
    TestSinkProvider.reset(target);
    CliHarness.Result fromSequence =
        cli.run("replay", "journal", "--to", "test://" + target, "--from", "790");
    List<String> tail = delivered();
    TestSinkProvider.reset(target);
    CliHarness.Result fromTime =
        cli.run("replay", "journal", "--to", "test://" + target, "--from", "2026-11-25T10:03:19Z");

    assertThat(errors.out()).contains("29 delivered, 0 failed");
    assertThat(fromSequence.out()).contains("10 delivered");
    assertThat(tail).containsExactlyElementsOf(json(stored.subList(790, 800)));
    // Spans start one second apart: span 199 starts at 10:03:19.
    assertThat(fromTime.out()).contains("4 delivered");
    assertThat(delivered()).containsExactlyElementsOf(json(stored.subList(796, 800)));
  }

  @Test
  void aFailedReplayResumesFromItsCursorWithoutLosingEvents() throws Exception {
    CliHarness.Result failed =
        cli.run(
            "replay",
            "journal",
            "--to",
            "test://" + target + "?failFrom=600",
            "--cursor",
            "backfill",
            "--give-up-after",
            "1s");
    List<String> first = delivered();
    String cursorFile = Files.readString(dir.resolve(".streamll/replay-cursors/backfill.cursor"));

    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.out())
        .contains(first.size() + " delivered, " + (800 - first.size()) + " failed")
        .contains("test sink refuses sequences from 600")
        .contains("cursor 'backfill' is at sequence " + first.size());
    assertThat(first.size()).isLessThanOrEqualTo(600);
    assertThat(cursorFile).contains("next_sequence=" + first.size());

    TestSinkProvider.reset(target);
    CliHarness.Result resumed =
        cli.run("replay", "journal", "--to", "test://" + target, "--cursor", "backfill");

    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    assertThat(resumed.err()).contains("resuming cursor 'backfill' at sequence " + first.size());
    List<String> all = new ArrayList<>(first);
    all.addAll(delivered());
    assertThat(all).containsExactlyElementsOf(json(stored));
    Set<String> unique = new HashSet<>(all);
    assertThat(unique).hasSize(800);

    TestSinkProvider.reset(target);
    CliHarness.Result again =
        cli.run("replay", "journal", "--to", "test://" + target, "--cursor", "backfill");
    assertThat(again.out()).contains("0 delivered, 0 failed");
  }

  @Test
  void aCursorOfAnotherSourceIsRefused() throws Exception {
    writers.open(dir.resolve("other"));
    cli.run("replay", "other", "--to", "test://" + target, "--cursor", "shared");

    CliHarness.Result result =
        cli.run("replay", "journal", "--to", "test://" + target, "--cursor", "shared");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines().toList())
        .singleElement()
        .asString()
        .contains("cursor 'shared' belongs to journal:" + dir.resolve("other"))
        .contains("use another --cursor name");
  }

  @Test
  void aTargetThatCannotStartFailsWithItsMessageAndDeliversNothing() {
    CliHarness.Result result =
        cli.run("replay", "journal", "--to", "test://" + target + "?failStart=wrong%20password");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines().toList())
        .singleElement()
        .asString()
        .contains("cannot deliver to test://" + target + ": wrong password; nothing was replayed");
    assertThat(delivered()).isEmpty();
  }

  @Test
  void badTargetsAndCursorNamesAreUsageErrors() {
    CliHarness.Result malformed = cli.run("replay", "journal", "--to", "redis://bad host");
    CliHarness.Result unknown = cli.run("replay", "journal", "--to", "gopher://x");
    CliHarness.Result cursor =
        cli.run("replay", "journal", "--to", "test://" + target, "--cursor", "../escape");
    CliHarness.Result missingTarget = cli.run("replay", "journal");

    assertThat(malformed.exitCode()).isEqualTo(2);
    assertThat(malformed.err()).contains("target URL 'redis://bad host' is malformed");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown scheme 'gopher'");
    assertThat(cursor.exitCode()).isEqualTo(2);
    assertThat(cursor.err()).contains("cursor name '../escape' is not allowed");
    assertThat(missingTarget.exitCode()).isEqualTo(2);
    assertThat(missingTarget.err()).contains("Missing required option: '--to=URL'");
  }

  @AfterEach
  void closeWriters() {
    writers.close();
  }
}
