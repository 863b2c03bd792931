package dev.streamll.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Child JVM: opens a journal read-only while another process writes it, reads every record up to a
 * count, checks order and content, and prints "ok COUNT p50-lag-ms p99-lag-ms" or "fail REASON".
 */
public final class TailingMain {
  private TailingMain() {}

  public static void main(String[] args) {
    long count = Long.parseLong(args[1]);
    long[] lagMicros = new long[(int) count];
    long[] expected = {0};
    String[] failure = {null};
    try (FileJournal journal = FileJournal.openReadOnly(Path.of(args[0]));
        JournalReader reader = journal.reader(0)) {
      System.out.println("ready");
      System.out.flush();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (expected[0] < count && failure[0] == null && System.nanoTime() < deadline) {
        if (reader.read(
                1000,
                (sequence, timestamp, payload) -> {
                  byte[] copy = new byte[payload.remaining()];
                  payload.get(copy);
                  if (sequence != expected[0]) {
                    failure[0] = "expected sequence " + expected[0] + " got " + sequence;
                  } else if (!Arrays.equals(copy, ChildJvm.payload(sequence))) {
                    failure[0] = "payload of " + sequence + " differs";
                  } else {
                    lagMicros[(int) sequence] = System.currentTimeMillis() * 1000 - timestamp;
                    expected[0]++;
                  }
                })
            == 0) {
          reader.await(Duration.ofMillis(100));
        }
      }
    }
    if (failure[0] == null && expected[0] < count) {
      failure[0] = "saw only " + expected[0] + " of " + count + " records in 60 s";
    }
    if (failure[0] != null) {
      System.out.println("fail " + failure[0]);
    } else {
      Arrays.sort(lagMicros);
      System.out.println(
          "ok "
              + count
              + " "
              + lagMicros[(int) (count / 2)] / 1000.0
              + " "
              + lagMicros[(int) (count * 99 / 100)] / 1000.0);
    }
    System.out.flush();
  }
}
