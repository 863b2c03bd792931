package dev.streamll.journal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM: appends batches forever (or up to a count), printing "committed N" after each commit,
 * so the parent knows which records were acknowledged before it kills this process.
 *
 * <p>Arguments: journal directory, record count (0 = until killed), optional pause in microseconds
 * between batches (paces the writer like a live application instead of a bulk load).
 */
public final class AppendingMain {
  private AppendingMain() {}

  public static void main(String[] args) {
    long limit = Long.parseLong(args[1]);
    long pauseNanos = args.length > 2 ? Long.parseLong(args[2]) * 1000 : 0;
    PrintStream out = System.out;
    try (FileJournal journal =
        FileJournal.builder(Path.of(args[0])).segmentBytes(256 * 1024).build()) {
      long next = journal.nextSequence();
      out.println("started " + next);
      out.flush();
      while (limit == 0 || next < limit) {
        int batch = 1 + (int) (next % 97);
        for (int i = 0; i < batch && (limit == 0 || next < limit); i++) {
          long now = System.currentTimeMillis() * 1000;
          if (journal.append(ChildJvm.payload(next), now) != next) {
            throw new IllegalStateException("sequence mismatch at " + next);
          }
          next++;
        }
        journal.commit();
        out.println("committed " + next);
        out.flush();
        if (pauseNanos > 0) {
          LockSupport.parkNanos(pauseNanos);
        }
      }
    }
    out.println("done " + limit);
    out.flush();
  }
}
