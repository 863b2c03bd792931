package dev.streamll.journal;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Subscription} driven by a {@link JournalReader} on its own daemon thread: it waits for
 * commits (no polling) and hands each record to the handler. A handler that throws is logged and
 * the record is skipped, so one bad subscriber cannot stall the others or the writer.
 */
final class ReaderSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(ReaderSubscription.class);
  private static final Duration WAIT = Duration.ofMillis(200);
  private static final int BATCH = 256;

  private final JournalReader reader;
  private final RecordHandler handler;
  private final Thread thread;
  private volatile boolean closed;

  ReaderSubscription(JournalReader reader, RecordHandler handler, String threadName) {
    this.reader = reader;
    this.handler = handler;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!closed) {
      try {
        if (reader.read(BATCH, this::deliver) == 0) {
          // The timeout only bounds how long close() may wait; commits wake us immediately.
          long start = System.nanoTime();
          if (!reader.await(WAIT) && System.nanoTime() - start < WAIT.toNanos()) {
            // await gave up before its timeout: the journal was closed or we were interrupted.
            log.debug("journal subscription ends at sequence {}", reader.position());
            return;
          }
        }
      } catch (JournalException e) {
        log.error(
            "journal subscription stopped at sequence {}: {}", reader.position(), e.getMessage());
        return;
      }
    }
  }

  private void deliver(long sequence, long timestampMicros, java.nio.ByteBuffer payload) {
    try {
      handler.onRecord(sequence, timestampMicros, payload);
    } catch (RuntimeException e) {
      log.warn("journal subscriber failed on record {}; skipping it", sequence, e);
    }
  }

  @Override
  public long position() {
    return reader.position();
  }

  @Override
  public void close() {
    closed = true;
    if (Thread.currentThread() != thread) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    reader.close();
  }
}
