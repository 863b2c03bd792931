package dev.streamll.bench.journal;

import dev.streamll.journal.FileJournal;
import dev.streamll.journal.FsyncPolicy;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * The cost of {@link FsyncPolicy#EVERY_BATCH}: append a batch, commit (one force per batch: group
 * commit), for batch sizes 1, 64 and 1024, next to {@link FsyncPolicy#NONE} as the baseline.
 *
 * <p>Options: {@code --seconds 5 --size 100 --batches 1,64,1024}.
 */
public final class JournalFsyncHarness {
  private JournalFsyncHarness() {}

  public static void main(String[] args) {
    Args options = new Args(args);
    long seconds = options.number("seconds", 5);
    int size = (int) options.number("size", 100);
    long[] batches = options.numbers("batches", 1, 64, 1024);
    System.out.printf("commit latency per batch, %d B records, %d s per run%n", size, seconds);
    for (long batch : batches) {
      for (FsyncPolicy policy : new FsyncPolicy[] {FsyncPolicy.EVERY_BATCH, FsyncPolicy.NONE}) {
        run(policy, (int) batch, size, seconds);
      }
    }
  }

  private static void run(FsyncPolicy policy, int batch, int size, long seconds) {
    Path dir = BenchFiles.freshDirectory("journal-fsync");
    Histogram commits = new Histogram(3_600_000_000_000L, 3);
    long records = 0;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    try (FileJournal journal = FileJournal.builder(dir).fsync(policy).build()) {
      byte[] payload = new byte[size];
      while (System.nanoTime() < end) {
        long batchStart = System.nanoTime();
        for (int i = 0; i < batch; i++) {
          journal.append(payload, records++);
        }
        journal.commit();
        commits.recordValue(System.nanoTime() - batchStart);
      }
      if (journal.durableSequence() != records) {
        throw new IllegalStateException("durable " + journal.durableSequence() + " of " + records);
      }
    } finally {
      BenchFiles.deleteTree(dir);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%-11s batch=%-5d records/s=%,.0f batch p50=%.1f µs p99=%.1f µs p99.9=%.1f µs%n",
        policy,
        batch,
        records / elapsed,
        commits.getValueAtPercentile(50) / 1000.0,
        commits.getValueAtPercentile(99) / 1000.0,
        commits.getValueAtPercentile(99.9) / 1000.0);
  }
}
