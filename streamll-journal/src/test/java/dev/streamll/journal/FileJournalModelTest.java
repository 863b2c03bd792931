package dev.streamll.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random sequences of operations against a {@link FileJournal} and a plain in-memory model, then
 * crash damage (a torn tail, a flipped bit in the tail, in an older segment, in an index or in a
 * cursor file) and recovery: what was committed before the damage reads back intact, nothing from
 * the damage on is returned as valid, and the recovered journal accepts new appends.
 */
class FileJournalModelTest {
  private static final int SEGMENT = 1024;
  private static final int MAX_BYTES = 8 * SEGMENT;
  private static final String[] CURSORS = {"alpha", "beta"};

  sealed interface Op permits Append, Commit, Read, CommitCursor, Reopen {}

  record Append(int count, int size, boolean commit) implements Op {}

  record Commit() implements Op {}

  record Read(int from) implements Op {}

  record CommitCursor(int cursor, int advance) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> append =
        Combinators.combine(
                Arbitraries.integers().between(1, 20),
                Arbitraries.oneOf(
                    Arbitraries.integers().between(0, 120),
                    Arbitraries.integers().between(900, SEGMENT - 40)),
                Arbitraries.of(true, false))
            .as(Append::new);
    Arbitrary<Op> read = Arbitraries.integers().between(0, 400).map(Read::new);
    Arbitrary<Op> cursor =
        Combinators.combine(
                Arbitraries.integers().between(0, CURSORS.length - 1),
                Arbitraries.integers().between(0, 60))
            .as(CommitCursor::new);
    return Arbitraries.frequencyOf(
            Tuple.of(6, append),
            Tuple.of(2, Arbitraries.just(new Commit())),
            Tuple.of(3, read),
            Tuple.of(3, cursor),
            Tuple.of(1, Arbitraries.just(new Reopen())))
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  /** What the journal must contain, plus where each record lives on disk (the roll rule). */
  static final class Model {
    final List<Integer> sizes = new ArrayList<>();
    final List<Long> segmentOf = new ArrayList<>();
    final List<Long> offsetOf = new ArrayList<>();
    final long[] cursorPositions = new long[CURSORS.length];
    final long[] cursorDropped = new long[CURSORS.length];
    long committed;
    long first;
    long segmentBase;
    long segmentPosition = SegmentWriter.SEGMENT_HEADER;

    void append(int size) {
      if (segmentPosition + SegmentWriter.RECORD_HEADER + size > SEGMENT) {
        segmentBase = sizes.size();
        segmentPosition = SegmentWriter.SEGMENT_HEADER;
        // A roll publishes what was appended before it.
        committed = sizes.size();
      }
      segmentOf.add(segmentBase);
      offsetOf.add(segmentPosition);
      segmentPosition += SegmentWriter.RECORD_HEADER + size;
      sizes.add(size);
    }

    long appended() {
      return sizes.size();
    }
  }

  static byte[] payload(long sequence, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (sequence * 31 + i);
    }
    return bytes;
  }

  static long timestamp(long sequence) {
    return 1_700_000_000_000_000L + sequence * 7;
  }

  private static FileJournal open(Path dir) {
    return FileJournal.builder(dir)
        .segmentBytes(SEGMENT)
        .maxBytes(MAX_BYTES)
        .fullPolicy(FullPolicy.DROP_OLDEST, Duration.ZERO)
        .fsync(FsyncPolicy.NONE)
        .build();
  }

  @Property(tries = 150)
  void journalBehavesLikeTheModelAndSurvivesDamage(
      @ForAll("ops") List<Op> ops,
      @ForAll @IntRange(min = 0, max = 5) int damage,
      @ForAll long seed)
      throws IOException {
    Path dir = Files.createTempDirectory("journal-model");
    try {
      run(dir, ops, damage, new Random(seed));
    } finally {
      deleteTree(dir);
    }
  }

  private void run(Path dir, List<Op> ops, int damage, Random random) throws IOException {
    Model model = new Model();
    FileJournal journal = open(dir);
    try {
      for (int i = 0; i < CURSORS.length; i++) {
        journal.cursor(CURSORS[i], 0);
      }
      for (Op op : ops) {
        if (op instanceof Append append) {
          for (int i = 0; i < append.count(); i++) {
            long sequence = model.appended();
            model.append(append.size());
            assertThat(journal.append(payload(sequence, append.size()), timestamp(sequence)))
                .isEqualTo(sequence);
          }
          if (append.commit()) {
            journal.commit();
            model.committed = model.appended();
          }
        } else if (op instanceof Commit) {
          journal.commit();
          model.committed = model.appended();
        } else if (op instanceof Read read) {
          checkRead(journal, model, Math.min(read.from(), model.appended() + 2));
        } else if (op instanceof CommitCursor commit) {
          Cursor cursor = journal.cursor(CURSORS[commit.cursor()], 0);
          long target = cursor.position() + commit.advance();
          cursor.commit(target);
          long expected =
              Math.max(
                  model.cursorPositions[commit.cursor()], Math.min(target, journal.nextSequence()));
          assertThat(cursor.position()).isEqualTo(expected);
          model.cursorPositions[commit.cursor()] = expected;
        } else if (op instanceof Reopen) {
          journal.close();
          model.committed = model.appended();
          journal = open(dir);
        }
        checkInvariants(journal, model);
      }
      journal.close();
      model.committed = model.appended();
      checkDurableState(dir, model, damage, random);
    } finally {
      journal.close();
    }
  }

  private static void checkInvariants(FileJournal journal, Model model) {
    long next = journal.nextSequence();
    assertThat(next).isBetween(model.committed, model.appended());
    long first = journal.firstSequence();
    assertThat(first).isGreaterThanOrEqualTo(model.first).isLessThanOrEqualTo(next);
    model.first = first;
    for (int i = 0; i < CURSORS.length; i++) {
      Cursor cursor = journal.cursor(CURSORS[i], 0);
      long moved = cursor.position() - model.cursorPositions[i];
      assertThat(moved).isGreaterThanOrEqualTo(0);
      // A cursor only moves on its own commit, or by DROP_OLDEST, which counts every record.
      assertThat(cursor.dropped() - model.cursorDropped[i]).isEqualTo(moved);
      assertThat(cursor.position()).isGreaterThanOrEqualTo(first);
      model.cursorPositions[i] = cursor.position();
      model.cursorDropped[i] = cursor.dropped();
    }
    assertThat(journal.stats().sizeBytes()).isLessThanOrEqualTo(MAX_BYTES);
  }

  private static void checkRead(Journal journal, Model model, long from) {
    long first = journal.firstSequence();
    long next = journal.nextSequence();
    List<Long> seen = new ArrayList<>();
    try (JournalReader reader = journal.reader(from)) {
      while (reader.read(
              17,
              (sequence, timestamp, payload) -> {
                int size = model.sizes.get((int) sequence);
                byte[] copy = new byte[payload.remaining()];
                payload.get(copy);
                assertThat(copy).isEqualTo(payload(sequence, size));
                assertThat(timestamp).isEqualTo(timestamp(sequence));
                seen.add(sequence);
              })
          > 0) {
        // read to the end
      }
      assertThat(reader.skipped()).isEqualTo(Math.max(0, first - from));
    }
    long start = Math.max(from, first);
    assertThat(seen).hasSize((int) Math.max(0, next - start));
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i)).isEqualTo(start + i);
    }
  }

  /** Damages the closed journal like a crash or a bad disk would, then recovers and checks. */
  private void checkDurableState(Path dir, Model model, int damage, Random random)
      throws IOException {
    long[] bases = segmentBases(dir);
    Path tail = dir.resolve(String.format("%020d.seg", bases[bases.length - 1]));
    long tailBase = bases[bases.length - 1];
    long expectedNext = model.appended();
    long expectedCut = 0;
    long corruptAt = -1;
    boolean cursorDamaged = false;
    switch (damage) {
      case 0:
        break;
      case 1:
        {
          long length = Files.size(tail);
          long cutAt = (long) (random.nextDouble() * (length + 1));
          try (FileChannel channel = FileChannel.open(tail, StandardOpenOption.WRITE)) {
            channel.truncate(cutAt);
          }
          expectedNext = survivorsBefore(model, tailBase, cutAt);
          expectedCut = cutAt - validEnd(model, tailBase, expectedNext, cutAt);
          break;
        }
      case 2:
        {
          long length = Files.size(tail);
          long at = (long) (random.nextDouble() * length);
          flipBit(tail, at, random);
          expectedNext = survivorsBefore(model, tailBase, at);
          expectedCut = length - validEnd(model, tailBase, expectedNext, at);
          break;
        }
      case 3:
        if (bases.length > 1) {
          long base = bases[random.nextInt(bases.length - 1)];
          Path segment = dir.resolve(String.format("%020d.seg", base));
          long at = (long) (random.nextDouble() * Files.size(segment));
          flipBit(segment, at, random);
          corruptAt = at < SegmentWriter.SEGMENT_HEADER ? base : survivorsBefore(model, base, at);
        }
        break;
      case 4:
        try (Stream<Path> indexes = Files.list(dir)) {
          for (Path index : indexes.filter(p -> p.toString().endsWith(".idx")).toList()) {
            long size = Files.size(index);
            if (size > 0) {
              flipBit(index, (long) (random.nextDouble() * size), random);
            }
          }
        }
        break;
      default:
        {
          // The newest state of the cursor: the other slot, one commit older, must take over.
          Path cursorFile = CursorFile.path(dir.resolve(FileJournal.CURSORS), CURSORS[0]);
          flipBit(cursorFile, CursorFile.newestSlotOffset(cursorFile) + random.nextInt(36), random);
          cursorDamaged = true;
        }
    }
    try (FileJournal journal = open(dir)) {
      assertThat(journal.nextSequence()).isEqualTo(expectedNext);
      assertThat(journal.recoveredBytesCut()).isEqualTo(expectedCut);
      long first = journal.firstSequence();
      List<Long> seen = new ArrayList<>();
      try (JournalReader reader = journal.reader(0)) {
        RecordHandler check =
            (sequence, timestamp, payload) -> {
              byte[] copy = new byte[payload.remaining()];
              payload.get(copy);
              assertThat(copy).isEqualTo(payload(sequence, model.sizes.get((int) sequence)));
              seen.add(sequence);
            };
        if (corruptAt >= first) {
          assertThatThrownBy(
                  () -> {
                    while (reader.read(50, check) > 0) {
                      // until the damaged record
                    }
                  })
              .isInstanceOf(CorruptRecordException.class)
              .hasMessageContaining(".seg");
          assertThat(reader.position()).isEqualTo(corruptAt);
          expectedNext = corruptAt;
        } else {
          while (reader.read(50, check) > 0) {
            // to the end
          }
        }
      }
      assertThat(seen).hasSize((int) (expectedNext - first));
      for (int i = 0; i < seen.size(); i++) {
        assertThat(seen.get(i)).isEqualTo(first + i);
      }
      if (cursorDamaged) {
        // Back by one commit at most, never ahead of what the sink confirmed.
        assertThat(journal.cursor(CURSORS[0], 0).position())
            .isBetween(
                first, Math.max(first, Math.min(model.cursorPositions[0], journal.nextSequence())));
      } else {
        for (int i = 0; i < CURSORS.length; i++) {
          assertThat(journal.cursor(CURSORS[i], 0).position())
              .isEqualTo(Math.min(model.cursorPositions[i], journal.nextSequence()));
        }
      }
      long next = journal.nextSequence();
      assertThat(journal.append(payload(next, 5), timestamp(next))).isEqualTo(next);
      journal.commit();
      try (JournalReader reader = journal.reader(next)) {
        assertThat(reader.read(10, (sequence, timestamp, payload) -> {})).isEqualTo(1);
      }
    }
  }

  /**
   * Records of the segment at {@code base} that end at or before byte {@code limit}, plus all
   * before.
   */
  private static long survivorsBefore(Model model, long base, long limit) {
    if (limit < SegmentWriter.SEGMENT_HEADER) {
      return base;
    }
    long sequence = base;
    while (sequence < model.appended()
        && model.segmentOf.get((int) sequence) == base
        && model.offsetOf.get((int) sequence)
                + SegmentWriter.RECORD_HEADER
                + model.sizes.get((int) sequence)
            <= limit) {
      sequence++;
    }
    return sequence;
  }

  /** File position after the last surviving record (what recovery keeps). */
  private static long validEnd(Model model, long base, long survivorsEnd, long damageAt) {
    if (damageAt < SegmentWriter.SEGMENT_HEADER) {
      return 0;
    }
    if (survivorsEnd == base) {
      return SegmentWriter.SEGMENT_HEADER;
    }
    int last = (int) survivorsEnd - 1;
    return model.offsetOf.get(last) + SegmentWriter.RECORD_HEADER + model.sizes.get(last);
  }

  private static void flipBit(Path file, long at, Random random) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, at);
      one.put(0, (byte) (one.get(0) ^ (1 << random.nextInt(8))));
      one.rewind();
      channel.write(one, at);
    }
  }

  private static long[] segmentBases(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long[] bases =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".seg"))
              .mapToLong(n -> Long.parseLong(n.substring(0, 20)))
              .toArray();
      Arrays.sort(bases);
      return bases;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
