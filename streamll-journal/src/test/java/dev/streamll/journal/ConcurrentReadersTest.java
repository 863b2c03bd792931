package dev.streamll.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer rolling small segments while retention deletes them, and tailers and cursor-committing
 * consumers reading at the same time: every record a reader returns is the one written at that
 * sequence, in order, and records are missing only where retention removed them (counted).
 */
class ConcurrentReadersTest {
  @TempDir Path dir;

  private static final long RECORDS = 200_000;

  @Test
  void readersRacingRollsAndRetentionSeeExactRecordsInOrder() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (FileJournal journal =
        FileJournal.builder(dir)
            .segmentBytes(64 * 1024)
            .maxBytes(512 * 1024)
            .fullPolicy(FullPolicy.DROP_OLDEST, Duration.ZERO)
            .fsync(FsyncPolicy.NONE)
            .build()) {
      Cursor consumer = journal.cursor("consumer", 0);
      List<Future<long[]>> readers = new ArrayList<>();
      readers.add(pool.submit(() -> tail(journal, null)));
      readers.add(pool.submit(() -> tail(journal, null)));
      readers.add(pool.submit(() -> tail(journal, consumer)));
      for (long sequence = 0; sequence < RECORDS; ) {
        int batch = 1 + (int) (sequence % 50);
        for (int i = 0; i < batch && sequence < RECORDS; i++, sequence++) {
          journal.append(ChildJvm.payload(sequence), sequence);
        }
        journal.commit();
      }
      for (Future<long[]> reader : readers) {
        long[] result = reader.get(60, TimeUnit.SECONDS);
        long delivered = result[0];
        long skipped = result[1];
        assertThat(delivered + skipped).isEqualTo(RECORDS);
        assertThat(delivered).isPositive();
      }
      assertThat(consumer.position()).isEqualTo(RECORDS);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads to the end; returns {delivered, skipped}; fails on any out-of-order or wrong record. */
  private static long[] tail(Journal journal, Cursor cursor) {
    long[] next = {cursor == null ? 0 : cursor.position()};
    long delivered = 0;
    try (JournalReader reader = journal.reader(next[0])) {
      while (reader.position() < RECORDS) {
        long before = reader.skipped();
        int read =
            reader.read(
                500,
                (sequence, timestamp, payload) -> {
                  byte[] copy = new byte[payload.remaining()];
                  payload.get(copy);
                  if (sequence < next[0]
                      || timestamp != sequence
                      || !Arrays.equals(copy, ChildJvm.payload(sequence))) {
                    throw new AssertionError(
                        "wrong record at " + sequence + ", expected " + next[0]);
                  }
                  next[0] = sequence + 1;
                });
        delivered += read;
        if (reader.skipped() > before) {
          next[0] = reader.position();
        }
        if (cursor != null && read > 0) {
          cursor.commit(reader.position());
        }
        if (read == 0) {
          reader.await(Duration.ofMillis(100));
        }
      }
      return new long[] {delivered, reader.skipped()};
    }
  }
}
