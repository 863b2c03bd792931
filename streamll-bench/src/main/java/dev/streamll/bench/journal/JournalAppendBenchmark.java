package dev.streamll.bench.journal;

import dev.streamll.journal.FileJournal;
import dev.streamll.journal.FsyncPolicy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-writer append throughput without fsync: the StreamLL file journal (append, and commit
 * every {@code batch} records as the emitter does once per drained batch) against Chronicle Queue's
 * {@code writeBytes} of the same payload in the same run (Chronicle has no commit; {@code batch}
 * does not affect it). Score = records/s; MB/s = score × size / 1e6.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "-Dchronicle.analytics.disable=true",
      "-Xmx1g"
    })
@State(Scope.Thread)
public class JournalAppendBenchmark {
  @Param({"streamll", "chronicle"})
  public String impl;

  @Param({"100", "1024"})
  public int size;

  @Param({"64", "1024"})
  public int batch;

  private Path dir;
  private FileJournal journal;
  private byte[] payload;
  private ChronicleQueue queue;
  private ExcerptAppender appender;
  private BytesStore<?, ?> bytes;
  private long timestamp;
  private int pending;

  @Setup(Level.Trial)
  public void open() {
    dir = BenchFiles.freshDirectory("journal-append-" + impl);
    payload = new byte[size];
    Arrays.fill(payload, (byte) 'x');
    if (impl.equals("streamll")) {
      journal =
          FileJournal.builder(dir)
              .fsync(FsyncPolicy.NONE)
              .segmentBytes(64L << 20)
              .maxBytes(2L << 30)
              .build();
    } else {
      queue = ChronicleQueue.singleBuilder(dir).build();
      appender = queue.createAppender();
      bytes = Bytes.allocateDirect(payload);
    }
  }

  @Benchmark
  public void append() {
    if (journal != null) {
      journal.append(payload, timestamp++);
      if (++pending == batch) {
        journal.commit();
        pending = 0;
      }
    } else {
      appender.writeBytes(bytes);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    if (journal != null) {
      journal.close();
    }
    if (appender != null) {
      appender.close();
      queue.close();
    }
    BenchFiles.deleteTree(dir);
  }
}
