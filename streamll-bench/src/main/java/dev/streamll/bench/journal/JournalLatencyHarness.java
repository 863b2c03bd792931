package dev.streamll.bench.journal;

import dev.streamll.journal.FileJournal;
import dev.streamll.journal.FsyncPolicy;
import dev.streamll.journal.JournalReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.HdrHistogram.Histogram;

/**
 * Append latency at fixed rates and append → in-process tailer latency, for the StreamLL file
 * journal and Chronicle Queue in the same run.
 *
 * <p>Append latency is measured from each record's intended start on the fixed-rate schedule (so a
 * stall also delays, and is charged to, the records queued behind it: no coordinated omission) to
 * the return of {@code append}. The StreamLL writer commits whenever it is ahead of the schedule or
 * 1024 records are pending, as the emitter commits once per drained batch.
 *
 * <p>Tailer latency: the writer stamps {@code System.nanoTime()} into each record at a fixed rate
 * and commits it; a reader thread (StreamLL: {@code reader.read} + {@code await}, woken by the
 * commit; Chronicle: a busy-spinning tailer) records the difference when it sees the record.
 *
 * <p>Options: {@code --seconds 10 --rates 100000,1000000 --size 100 --tailerRate 100000}.
 */
public final class JournalLatencyHarness {
  private JournalLatencyHarness() {}

  public static void main(String[] args) throws Exception {
    Args options = new Args(args);
    long seconds = options.number("seconds", 10);
    int size = (int) options.number("size", 100);
    long[] rates = options.numbers("rates", 100_000, 1_000_000);
    long tailerRate = options.number("tailerRate", 100_000);
    System.out.printf("append latency, %d B records, %d s per run (µs)%n", size, seconds);
    for (long rate : rates) {
      for (String impl : new String[] {"streamll", "chronicle"}) {
        appendLatency(impl, rate, size, Math.max(1, seconds / 5));
        Histogram histogram = appendLatency(impl, rate, size, seconds);
        print(impl + " append @" + rate + "/s", histogram);
      }
    }
    System.out.printf("append -> tailer latency at %d/s (µs)%n", tailerRate);
    for (String impl : new String[] {"streamll", "chronicle"}) {
      tailerLatency(impl, tailerRate, size, Math.max(1, seconds / 5));
      print(impl + " tailer", tailerLatency(impl, tailerRate, size, seconds));
    }
  }

  static void print(String label, Histogram h) {
    System.out.printf(
        "%-32s count=%d p50=%.2f p99=%.2f p99.9=%.2f max=%.1f%n",
        label,
        h.getTotalCount(),
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  /** One writer; {@code write} appends one record and {@code idle} commits. */
  private interface Writer extends AutoCloseable {
    void write(long stamp);

    void idle();

    @Override
    void close();
  }

  private static Writer open(String impl, Path dir, int size) {
    if (impl.equals("streamll")) {
      FileJournal journal = FileJournal.builder(dir).fsync(FsyncPolicy.NONE).build();
      byte[] payload = new byte[size];
      ByteBuffer stamp = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
      return new Writer() {
        int pending;

        @Override
        public void write(long value) {
          stamp.putLong(0, value);
          journal.append(payload, value);
          if (++pending >= 1024) {
            idle();
          }
        }

        @Override
        public void idle() {
          if (pending > 0) {
            journal.commit();
            pending = 0;
          }
        }

        @Override
        public void close() {
          journal.close();
        }
      };
    }
    ChronicleQueue queue = ChronicleQueue.singleBuilder(dir).build();
    ExcerptAppender appender = queue.createAppender();
    Bytes<?> bytes = Bytes.allocateElasticDirect(size);
    return new Writer() {
      @Override
      public void write(long value) {
        bytes.clear();
        bytes.writeLong(value);
        bytes.writeSkip(size - 8);
        appender.writeBytes(bytes);
      }

      @Override
      public void idle() {}

      @Override
      public void close() {
        appender.close();
        queue.close();
        bytes.releaseLast();
      }
    };
  }

  static Histogram appendLatency(String impl, long rate, int size, long seconds) {
    Path dir = BenchFiles.freshDirectory("journal-latency-" + impl);
    Histogram histogram = new Histogram(3_600_000_000_000L, 3);
    try (Writer writer = open(impl, dir, size)) {
      long interval = 1_000_000_000L / rate;
      long start = System.nanoTime() + 1_000_000;
      long end = start + seconds * 1_000_000_000L;
      for (long i = 0; ; i++) {
        long intended = start + i * interval;
        if (intended > end) {
          break;
        }
        while (System.nanoTime() < intended) {
          writer.idle();
          Thread.onSpinWait();
        }
        writer.write(intended);
        histogram.recordValue(System.nanoTime() - intended);
      }
      writer.idle();
    } finally {
      BenchFiles.deleteTree(dir);
    }
    return histogram;
  }

  static Histogram tailerLatency(String impl, long rate, int size, long seconds)
      throws InterruptedException {
    Path dir = BenchFiles.freshDirectory("journal-tailer-" + impl);
    Histogram histogram = new Histogram(3_600_000_000_000L, 3);
    AtomicBoolean done = new AtomicBoolean();
    try {
      if (impl.equals("streamll")) {
        try (FileJournal journal = FileJournal.builder(dir).fsync(FsyncPolicy.NONE).build()) {
          Thread tailer = new Thread(() -> tailStreamll(journal, histogram, done));
          tailer.start();
          byte[] payload = new byte[size];
          ByteBuffer stamp = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
          pace(
              rate,
              seconds,
              () -> {
                long now = System.nanoTime();
                stamp.putLong(0, now);
                journal.append(payload, now);
                journal.commit();
              });
          done.set(true);
          tailer.join();
        }
      } else {
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(dir).build();
            ExcerptAppender appender = queue.createAppender()) {
          Thread tailer = new Thread(() -> tailChronicle(queue, histogram, done));
          tailer.start();
          Bytes<?> bytes = Bytes.allocateElasticDirect(size);
          pace(
              rate,
              seconds,
              () -> {
                bytes.clear();
                bytes.writeLong(System.nanoTime());
                bytes.writeSkip(size - 8);
                appender.writeBytes(bytes);
              });
          done.set(true);
          tailer.join();
          bytes.releaseLast();
        }
      }
    } finally {
      BenchFiles.deleteTree(dir);
    }
    return histogram;
  }

  private static void pace(long rate, long seconds, Runnable write) {
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime() + 10_000_000;
    long end = start + seconds * 1_000_000_000L;
    for (long i = 0; ; i++) {
      long intended = start + i * interval;
      if (intended > end) {
        return;
      }
      while (System.nanoTime() < intended) {
        Thread.onSpinWait();
      }
      write.run();
    }
  }

  private static void tailStreamll(FileJournal journal, Histogram histogram, AtomicBoolean done) {
    try (JournalReader reader = journal.reader(0)) {
      while (!done.get()) {
        int read =
            reader.read(
                256,
                (sequence, timestamp, payload) ->
                    histogram.recordValue(
                        System.nanoTime()
                            - payload.order(ByteOrder.LITTLE_ENDIAN).getLong(payload.position())));
        if (read == 0) {
          reader.await(Duration.ofMillis(100));
        }
      }
    }
  }

  private static void tailChronicle(ChronicleQueue queue, Histogram histogram, AtomicBoolean done) {
    try (ExcerptTailer tailer = queue.createTailer()) {
      Bytes<?> bytes = Bytes.allocateElasticDirect(1024);
      while (!done.get()) {
        bytes.clear();
        if (tailer.readBytes(bytes)) {
          histogram.recordValue(System.nanoTime() - bytes.readLong());
        } else {
          Thread.onSpinWait();
        }
      }
      bytes.releaseLast();
    }
  }
}
