package dev.streamll.bench.journal;

import dev.streamll.journal.FileJournal;
import dev.streamll.journal.FsyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Time to open a journal of {@code --bytes} (default 1 GiB) of {@code --size}-byte records. The
 * journal keeps no clean-shutdown marker, so every open is a crash recovery: it lists the segments
 * and validates the newest one record by record (built here to be almost full, the worst case).
 *
 * <p>Options: {@code --bytes 1073741824 --size 100 --repeats 5 --segmentBytes 67108864}.
 */
public final class JournalRecoveryHarness {
  private JournalRecoveryHarness() {}

  public static void main(String[] args) throws IOException {
    Args options = new Args(args);
    long target = options.number("bytes", 1L << 30);
    int size = (int) options.number("size", 100);
    int repeats = (int) options.number("repeats", 5);
    long segmentBytes = options.number("segmentBytes", 64L << 20);
    Path dir = BenchFiles.freshDirectory("journal-recovery");
    try {
      long records;
      long build = System.nanoTime();
      try (FileJournal journal =
          FileJournal.builder(dir)
              .fsync(FsyncPolicy.NONE)
              .segmentBytes(segmentBytes)
              .maxBytes(Math.max(target * 2, segmentBytes * 2))
              .build()) {
        byte[] payload = new byte[size];
        long perRecord = 24 + size;
        while (journal.stats().sizeBytes() + 1024 * perRecord < target - perRecord) {
          for (int i = 0; i < 1024; i++) {
            journal.append(payload, i);
          }
          journal.commit();
        }
        records = journal.nextSequence();
      }
      long totalBytes;
      long tailBytes;
      try (Stream<Path> files = Files.list(dir)) {
        long[] sizes =
            files
                .filter(p -> p.toString().endsWith(".seg"))
                .sorted()
                .mapToLong(JournalRecoveryHarness::size)
                .toArray();
        totalBytes = Arrays.stream(sizes).sum();
        tailBytes = sizes[sizes.length - 1];
      }
      System.out.printf(
          "built %d records, %d MiB in %d segments (tail %d MiB) in %d ms%n",
          records,
          totalBytes >> 20,
          totalBytes / segmentBytes + 1,
          tailBytes >> 20,
          (System.nanoTime() - build) / 1_000_000);
      for (int i = 0; i < repeats; i++) {
        long start = System.nanoTime();
        try (FileJournal journal = FileJournal.builder(dir).segmentBytes(segmentBytes).build()) {
          long elapsed = System.nanoTime() - start;
          if (journal.nextSequence() != records) {
            throw new IllegalStateException(
                "recovered " + journal.nextSequence() + " records, expected " + records);
          }
          System.out.printf("open (recover) #%d: %.1f ms%n", i + 1, elapsed / 1e6);
        }
      }
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  private static long size(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
