package dev.streamll.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: a writer killed with SIGKILL, and a writer with a reader in another JVM. */
class MultiProcessTest {
  @TempDir Path dir;

  @Test
  void everyRecordReportedBeforeKillMinus9IsPresentAndTheTailIsClean() throws Exception {
    FileJournal.open(dir).close();
    long reported = 0;
    for (int round = 0; round < 3; round++) {
      Process child = ChildJvm.start(AppendingMain.class, dir.toString(), "0");
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line = out.readLine();
        assertThat(line).isEqualTo("started " + reported);
        long target = reported + 20_000 + round * 7_919L;
        while (reported < target) {
          line = out.readLine();
          assertThat(line).as("child output").isNotNull().startsWith("committed ");
          reported = Long.parseLong(line.substring("committed ".length()));
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      try (FileJournal journal = FileJournal.open(dir)) {
        assertThat(journal.nextSequence()).isGreaterThanOrEqualTo(reported);
        long[] next = {0};
        try (JournalReader reader = journal.reader(0)) {
          while (reader.read(
                  4096,
                  (sequence, timestamp, payload) -> {
                    byte[] copy = new byte[payload.remaining()];
                    payload.get(copy);
                    assertThat(sequence).isEqualTo(next[0]);
                    assertThat(Arrays.equals(copy, ChildJvm.payload(sequence))).isTrue();
                    next[0]++;
                  })
              > 0) {
            // read all
          }
        }
        assertThat(next[0]).isEqualTo(journal.nextSequence());
        reported = journal.nextSequence();
      }
      try (FileJournal again = FileJournal.open(dir)) {
        assertThat(again.recoveredBytesCut()).as("tail clean after recovery").isZero();
      }
    }
  }

  @Test
  void aReaderInAnotherProcessSeesEveryRecordInOrder() throws Exception {
    FileJournal.open(dir).close();
    long count = 30_000;
    Process reader = ChildJvm.start(TailingMain.class, dir.toString(), Long.toString(count));
    try (BufferedReader readerOut =
        new BufferedReader(
            new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(readerOut.readLine()).isEqualTo("ready");
      Process writer =
          ChildJvm.start(AppendingMain.class, dir.toString(), Long.toString(count), "2000");
      String writerOutput =
          new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(writerOutput).contains("done " + count);
      String result = readerOut.readLine();
      assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(result).startsWith("ok " + count);
      System.out.println("cross-process reader (count, p50 lag ms, p99 lag ms): " + result);
      String[] parts = result.split(" ");
      double p50LagMillis = Double.parseDouble(parts[2]);
      assertThat(p50LagMillis).as("median append-to-other-process lag, ms").isLessThan(50);
    } finally {
      reader.destroyForcibly();
    }
  }
}
