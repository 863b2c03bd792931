package dev.streamll.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal on local disk: a directory of segment files (format in {@link SegmentWriter}), their
 * sparse indexes ({@link SegmentIndex}), one file per named cursor ({@link CursorFile}), a writer
 * lock ({@link WriterLock}) and a marker file {@value #MARKER} that identifies the directory as a
 * journal.
 *
 * <p>One process writes ({@link #open}, {@link #builder}); others may read at the same time ({@link
 * #openReadOnly}). Opening for writing recovers the newest segment: it validates it record by
 * record and cuts it at the first invalid record, which is what a crash in the middle of a write
 * leaves behind. Older segments are not scanned on open (they were complete when sealed); a damaged
 * record in them is reported by the reader that reaches it.
 */
public final class FileJournal implements Journal {
  private static final Logger log = LoggerFactory.getLogger(FileJournal.class);

  static final String MARKER = "streamll-journal.properties";
  static final String CURSORS = "cursors";
  static final String READERS = "readers";
  private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{20})\\.seg");
  private static final Pattern CURSOR_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final long MIN_SEGMENT = 1024;
  private static final long MAX_SEGMENT = 1L << 30;

  private final Path directory;
  private final boolean readOnly;
  private final long segmentBytes;
  private final long maxBytes;
  private final FullPolicy fullPolicy;
  private final Duration blockTimeout;
  private final Duration retention;
  private final FsyncPolicy fsync;
  private final Duration fsyncInterval;
  private final long maxPayload;

  private final ReentrantLock stateLock = new ReentrantLock();
  private final Condition cursorMoved = stateLock.newCondition();
  private final ReentrantLock syncLock = new ReentrantLock();
  private final Map<String, FileCursor> cursors = new ConcurrentHashMap<>();
  private final Map<String, WriterLock> readerCursorLocks = new ConcurrentHashMap<>();
  private final CountDownLatch stopMaintenance = new CountDownLatch(1);
  private volatile Segment[] segments;
  private volatile long sealedBytes;
  private final CommitSignal committed;
  private final CommitSignal durable;
  private final WriterLock writerLock;
  private final Thread maintenance;
  private final long recoveredBytesCut;

  // Writer thread only.
  private SegmentWriter active;
  private long appendedEnd;
  private volatile long committedFilePosition;

  private volatile boolean closed;
  private volatile boolean accepting;
  private volatile String lastError;
  private volatile Instant lastErrorAt;
  private FileJournalReader tailProbe;

  private FileJournal(Builder builder, boolean readOnly) {
    this.directory = builder.directory.toAbsolutePath().normalize();
    this.readOnly = readOnly;
    this.segmentBytes = builder.segmentBytes;
    this.maxBytes = builder.maxBytes;
    this.fullPolicy = builder.fullPolicy;
    this.blockTimeout = builder.blockTimeout;
    this.retention = builder.retention;
    this.fsync = builder.fsync;
    this.fsyncInterval = builder.fsyncInterval;
    this.maxPayload = segmentBytes - SegmentWriter.SEGMENT_HEADER - SegmentWriter.RECORD_HEADER;
    try {
      if (readOnly) {
        requireJournalDirectory();
        this.writerLock = null;
        this.segments = listSegments(new Segment[0]);
        this.recoveredBytesCut = 0;
        this.committed = new CommitSignal(0);
        this.durable = committed;
        this.maintenance = null;
        this.accepting = false;
        return;
      }
      prepareDirectory();
      this.writerLock = WriterLock.acquire(directory);
    } catch (IOException e) {
      throw new JournalException("cannot open journal " + directory + ": " + e, e);
    }
    try {
      Files.createDirectories(directory.resolve(CURSORS));
      this.recoveredBytesCut = recover();
      this.committed = new CommitSignal(appendedEnd);
      this.durable = new CommitSignal(appendedEnd);
      this.committedFilePosition = active.position();
      loadCursors();
    } catch (IOException | RuntimeException e) {
      closeQuietly();
      if (e instanceof JournalException) {
        throw (JournalException) e;
      }
      throw new JournalException("cannot open journal " + directory + ": " + e, e);
    }
    this.accepting = true;
    if (fsync == FsyncPolicy.INTERVAL || retention != null) {
      maintenance = new Thread(this::maintain, "streamll-journal-maintenance");
      maintenance.setDaemon(true);
      maintenance.start();
    } else {
      maintenance = null;
    }
  }

  /** Opens (creating if needed) the journal in {@code directory} for writing, with defaults. */
  public static FileJournal open(Path directory) {
    return builder(directory).build();
  }

  /** Options for a journal opened for writing in {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * Opens an existing journal for reading while another process may be writing it. No lock is
   * taken; readers see the writer's new records within a few milliseconds by polling the tail,
   * since no signal crosses processes. Appends throw {@link JournalException}; {@link #cursor}
   * opens a reader cursor (see there).
   */
  public static FileJournal openReadOnly(Path directory) {
    return new FileJournal(new Builder(directory), true);
  }

  /** Options of a {@link FileJournal}; see each setter for its default. */
  public static final class Builder {
    private final Path directory;
    private long segmentBytes = 64L << 20;
    private long maxBytes = 1L << 30;
    private FullPolicy fullPolicy = FullPolicy.BLOCK;
    private Duration blockTimeout = Duration.ofSeconds(10);
    private Duration retention;
    private FsyncPolicy fsync = FsyncPolicy.INTERVAL;
    private Duration fsyncInterval = Duration.ofSeconds(1);

    private Builder(Path directory) {
      if (directory == null) {
        throw new IllegalArgumentException("journal directory must not be null");
      }
      this.directory = directory;
    }

    /** Size at which a segment is sealed and a new one started (default 64 MiB, 1 KiB–1 GiB). */
    public Builder segmentBytes(long segmentBytes) {
      if (segmentBytes < MIN_SEGMENT || segmentBytes > MAX_SEGMENT) {
        throw new IllegalArgumentException(
            "segmentBytes must be between 1 KiB and 1 GiB, was " + segmentBytes);
      }
      this.segmentBytes = segmentBytes;
      return this;
    }

    /** Size limit of all segments together (default 1 GiB; at least twice segmentBytes). */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * What an append does at the size limit when a cursor still needs the oldest segment (default
     * {@link FullPolicy#BLOCK} for up to 10 s).
     */
    public Builder fullPolicy(FullPolicy fullPolicy, Duration blockTimeout) {
      if (fullPolicy == null || blockTimeout == null || blockTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "fullPolicy needs a policy and a non-negative blockTimeout");
      }
      this.fullPolicy = fullPolicy;
      this.blockTimeout = blockTimeout;
      return this;
    }

    /**
     * Deletes segments whose last write is older than {@code maxAge} once every cursor has passed
     * them (default: no age limit, only the size limit).
     */
    public Builder retention(Duration maxAge) {
      if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("retention must be a positive duration, was " + maxAge);
      }
      this.retention = maxAge;
      return this;
    }

    /** When appended records are forced to the device (default {@link FsyncPolicy#INTERVAL}). */
    public Builder fsync(FsyncPolicy fsync) {
      if (fsync == null) {
        throw new IllegalArgumentException("fsync policy must not be null");
      }
      this.fsync = fsync;
      return this;
    }

    /** Period of {@link FsyncPolicy#INTERVAL} (default 1 s). */
    public Builder fsyncInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException(
            "fsyncInterval must be a positive duration, was " + interval);
      }
      this.fsyncInterval = interval;
      return this;
    }

    public FileJournal build() {
      if (maxBytes < 2 * segmentBytes) {
        throw new IllegalArgumentException(
            "maxBytes ("
                + maxBytes
                + ") must be at least twice segmentBytes ("
                + segmentBytes
                + ") so that a sealed segment can be deleted to make room; raise maxBytes or"
                + " lower segmentBytes");
      }
      return new FileJournal(this, false);
    }
  }

  // ---------------------------------------------------------------------------------- opening

  private void prepareDirectory() throws IOException {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new JournalException(
          directory + " is a file, not a journal directory; choose a directory path");
    }
    Files.createDirectories(directory);
    Path marker = directory.resolve(MARKER);
    if (Files.exists(marker)) {
      checkMarker(marker);
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      if (entries.iterator().hasNext()) {
        throw notAJournal();
      }
    }
    Path temp = directory.resolve(MARKER + ".tmp");
    Files.writeString(temp, "format=" + SegmentWriter.VERSION + "\n", StandardCharsets.UTF_8);
    Files.move(temp, marker, StandardCopyOption.ATOMIC_MOVE);
  }

  private void requireJournalDirectory() throws IOException {
    Path marker = directory.resolve(MARKER);
    if (!Files.isDirectory(directory)) {
      throw new JournalException(
          "journal directory "
              + directory
              + " does not exist; check the path (the default is ./.streamll/journal)");
    }
    if (!Files.exists(marker)) {
      throw notAJournal();
    }
    checkMarker(marker);
  }

  private JournalException notAJournal() {
    return new JournalException(
        directory
            + " is not a StreamLL journal (it has no "
            + MARKER
            + " file but is not empty); point the journal at an empty or journal directory");
  }

  private void checkMarker(Path marker) throws IOException {
    String text = Files.readString(marker, StandardCharsets.UTF_8).trim();
    if (!text.equals("format=" + SegmentWriter.VERSION)) {
      throw new JournalException(
          "journal "
              + directory
              + " has format '"
              + text
              + "' but this version reads format="
              + SegmentWriter.VERSION);
    }
  }

  /** Segment files in the directory, oldest first; known ones keep their loaded index. */
  private Segment[] listSegments(Segment[] known) throws IOException {
    Map<Long, Segment> byBase = new HashMap<>();
    for (Segment segment : known) {
      byBase.put(segment.base(), segment);
    }
    List<Long> bases = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.seg")) {
      for (Path entry : entries) {
        Matcher matcher = SEGMENT_NAME.matcher(entry.getFileName().toString());
        if (matcher.matches()) {
          bases.add(Long.parseLong(matcher.group(1)));
        }
      }
    }
    bases.sort(null);
    Segment[] result = new Segment[bases.size()];
    for (int i = 0; i < result.length; i++) {
      long base = bases.get(i);
      Segment segment = byBase.get(base);
      if (segment == null) {
        segment = new Segment(base, SegmentWriter.pathFor(directory, base), null);
      }
      if (i + 1 < result.length && !segment.sealed()) {
        segment.seal(bases.get(i + 1), sizeOf(segment.path()));
      }
      result[i] = segment;
    }
    return result;
  }

  private static long sizeOf(Path path) throws IOException {
    try {
      return Files.size(path);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** Finds the segments, validates the newest and positions the writer after its last record. */
  private long recover() throws IOException {
    Segment[] found = listSegments(new Segment[0]);
    long sealed = 0;
    for (int i = 0; i + 1 < found.length; i++) {
      sealed += found[i].length();
    }
    sealedBytes = sealed;
    deleteOrphans(found);
    if (found.length == 0) {
      Segment first = new Segment(0, SegmentWriter.pathFor(directory, 0), new SegmentIndex());
      active = SegmentWriter.create(first, segmentBytes);
      forceDirectory();
      segments = new Segment[] {first};
      appendedEnd = 0;
      return 0;
    }
    Segment tail = found[found.length - 1];
    SegmentIndex index = new SegmentIndex();
    tail.index(index);
    long fileLength = Files.size(tail.path());
    long validEnd = scan(tail, index, true);
    long cut = fileLength - validEnd;
    if (validEnd < SegmentWriter.SEGMENT_HEADER) {
      log.warn(
          "journal {}: segment {} had no valid header; recreating it ({} bytes cut)",
          directory,
          tail.path().getFileName(),
          fileLength);
      active = SegmentWriter.create(tail, segmentBytes);
    } else {
      if (cut > 0) {
        log.warn(
            "journal {}: recovered segment {} by cutting {} bytes after its last valid record"
                + " (sequence {}); those bytes were a write torn by a crash or damaged on disk",
            directory,
            tail.path().getFileName(),
            cut,
            tail.base() + index.recordCount() - 1);
        try (FileChannel channel = FileChannel.open(tail.path(), StandardOpenOption.WRITE)) {
          channel.truncate(validEnd);
          channel.force(true);
        }
      }
      active = SegmentWriter.resume(tail, validEnd, segmentBytes);
    }
    segments = found;
    appendedEnd = tail.base() + index.recordCount();
    return cut;
  }

  private void deleteOrphans(Segment[] found) throws IOException {
    List<Path> orphans = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.{idx,tmp}")) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        boolean hasSegment =
            name.endsWith(".idx")
                && Files.exists(entry.resolveSibling(name.replace(".idx", ".seg")));
        if (!hasSegment) {
          orphans.add(entry);
        }
      }
    }
    if (found.length > 0) {
      // The newest segment's index is rebuilt by recovery; an old file could describe cut data.
      orphans.add(found[found.length - 1].indexPath());
    }
    for (Path orphan : orphans) {
      Files.deleteIfExists(orphan);
    }
  }

  /**
   * Validates a segment from its start, filling {@code index} and its record count.
   *
   * @return the file position after the last valid record (0 if even the header is invalid)
   */
  private long scan(Segment segment, SegmentIndex index, boolean checkHeader) throws IOException {
    try (FileChannel channel = FileChannel.open(segment.path(), StandardOpenOption.READ)) {
      RecordWindow window = new RecordWindow(1 << 20, maxPayload);
      window.attach(channel);
      if (checkHeader && !headerValid(channel, segment.base())) {
        index.recordCount(0);
        return 0;
      }
      long position = SegmentWriter.SEGMENT_HEADER;
      long sequence = segment.base();
      long lastIndexed = -SegmentWriter.INDEX_INTERVAL;
      long end = segment.sealed() ? segment.endSequence() : Long.MAX_VALUE;
      while (sequence < end) {
        int size = window.check(position, sequence);
        if (size < 0) {
          break;
        }
        if (position - lastIndexed >= SegmentWriter.INDEX_INTERVAL) {
          index.add(sequence, window.timestamp(), position);
          lastIndexed = position;
        }
        position += size;
        sequence++;
      }
      index.recordCount(sequence - segment.base());
      return position;
    }
  }

  private static boolean headerValid(FileChannel channel, long base) throws IOException {
    ByteBuffer header =
        ByteBuffer.allocate(SegmentWriter.SEGMENT_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    while (header.hasRemaining()) {
      if (channel.read(header, header.position()) <= 0) {
        return false;
      }
    }
    return header.getInt(0) == SegmentWriter.MAGIC
        && header.getInt(4) == SegmentWriter.VERSION
        && header.getLong(8) == base;
  }

  private void loadCursors() throws IOException {
    Path cursorDirectory = directory.resolve(CURSORS);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(cursorDirectory)) {
      for (Path entry : entries) {
        String file = entry.getFileName().toString();
        if (file.endsWith(".tmp")) {
          Files.deleteIfExists(entry);
          continue;
        }
        if (!file.endsWith(CursorFile.SUFFIX)) {
          continue;
        }
        String name = file.substring(0, file.length() - CursorFile.SUFFIX.length());
        long first = firstSequence();
        CursorFile.State state;
        try {
          state = CursorFile.read(entry);
        } catch (JournalException e) {
          log.warn(
              "journal {}: {}; cursor '{}' restarts at the oldest retained record {} (its sink"
                  + " may receive duplicates, nothing is lost)",
              directory,
              e.getMessage(),
              name,
              first);
          state = new CursorFile.State(first, 0);
        }
        long position = Math.max(first, Math.min(state.position(), appendedEnd));
        FileCursor cursor = new FileCursor(this, name, entry, position, state.dropped());
        cursors.put(name, cursor);
        if (state.position() > appendedEnd) {
          // Records were lost after the cursor passed them (a power loss cut the tail): new
          // records will take their sequences. Recorded now, and forced, or the next restart would
          // read the old position again and skip them.
          log.warn(
              "journal {}: cursor '{}' was at sequence {}, past the recovered end {}; it is pulled"
                  + " back to {}",
              directory,
              name,
              state.position(),
              appendedEnd,
              position);
          cursor.persistForced(position, state.dropped());
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------- writing

  @Override
  public long append(byte[] payload, long timestampMicros) {
    if (!accepting || closed) {
      throw notAccepting();
    }
    if (payload.length > maxPayload) {
      throw new JournalException(
          "record of "
              + payload.length
              + " bytes is larger than a journal segment can hold ("
              + maxPayload
              + " bytes with segmentBytes="
              + segmentBytes
              + "); raise segmentBytes or send smaller events");
    }
    try {
      if (!active.fits(payload.length)) {
        roll();
      }
      if (sealedBytes + active.position() + SegmentWriter.RECORD_HEADER + payload.length
          > maxBytes) {
        makeRoom(SegmentWriter.RECORD_HEADER + payload.length);
      }
      long sequence = active.append(payload, timestampMicros);
      appendedEnd = sequence + 1;
      return sequence;
    } catch (IOException e) {
      throw fail("appending", e);
    }
  }

  @Override
  public void commit() {
    if (!accepting || closed) {
      throw notAccepting();
    }
    try {
      publish();
    } catch (IOException e) {
      throw fail("committing", e);
    }
  }

  private void publish() throws IOException {
    active.flush();
    committedFilePosition = active.position();
    committed.publish(appendedEnd);
    if (fsync == FsyncPolicy.NONE) {
      durable.advance(appendedEnd);
    } else if (fsync == FsyncPolicy.EVERY_BATCH && durable.get() < appendedEnd) {
      active.force();
      durable.advance(appendedEnd);
    }
  }

  /** Seals the active segment and starts a new one at the next sequence. */
  private void roll() throws IOException {
    publish();
    SegmentWriter previous = active;
    if (fsync == FsyncPolicy.INTERVAL) {
      previous.force();
    }
    Segment old = previous.segment();
    Segment next =
        new Segment(appendedEnd, SegmentWriter.pathFor(directory, appendedEnd), new SegmentIndex());
    SegmentWriter created = SegmentWriter.create(next, segmentBytes);
    if (fsync != FsyncPolicy.NONE) {
      forceDirectory();
    }
    try {
      old.index().write(old.indexPath(), old.base());
    } catch (IOException e) {
      log.warn("journal {}: cannot write index {} (it will be rebuilt): {}", directory, old, e);
    }
    syncLock.lock();
    try {
      stateLock.lock();
      try {
        old.seal(appendedEnd, previous.position());
        sealedBytes += previous.position();
        Segment[] current = segments;
        Segment[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = next;
        segments = grown;
      } finally {
        stateLock.unlock();
      }
      active = created;
      committedFilePosition = created.position();
    } finally {
      syncLock.unlock();
    }
    previous.close();
    if (retention != null) {
      applyAgeRetention();
    }
  }

  private void forceDirectory() throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Frees space for {@code needed} bytes under the size limit, applying the {@link FullPolicy}. */
  private void makeRoom(long needed) throws IOException {
    publish();
    long deadline = System.nanoTime() + blockTimeout.toNanos();
    stateLock.lock();
    try {
      while (sealedBytes + active.position() + needed > maxBytes) {
        Segment oldest = segments[0];
        if (!oldest.sealed()) {
          return;
        }
        FileCursor holder = cursorBefore(oldest.endSequence());
        if (holder == null) {
          deleteOldest();
        } else if (fullPolicy == FullPolicy.DROP_OLDEST) {
          for (FileCursor cursor : cursors.values()) {
            long lost = cursor.dropBefore(oldest.endSequence());
            if (lost > 0) {
              log.warn(
                  "journal {} is full ({} bytes): cursor '{}' lagged and lost {} record(s) below"
                      + " sequence {} (FullPolicy.DROP_OLDEST; {} dropped in total)",
                  directory,
                  maxBytes,
                  cursor.name(),
                  lost,
                  oldest.endSequence(),
                  cursor.dropped());
            }
          }
          deleteOldest();
        } else {
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0 || closed) {
            throw new JournalFullException(
                "journal "
                    + directory
                    + " is full ("
                    + maxBytes
                    + " bytes) and cursor '"
                    + holder.name()
                    + "' is still at sequence "
                    + holder.position()
                    + " after waiting "
                    + blockTimeout
                    + "; its sink is not keeping up. Raise maxBytes, fix the sink, or use"
                    + " FullPolicy.DROP_OLDEST");
          }
          cursorMoved.awaitNanos(remaining);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException("interrupted while waiting for space in journal " + directory, e);
    } finally {
      stateLock.unlock();
    }
  }

  private FileCursor cursorBefore(long sequence) {
    FileCursor lowest = null;
    for (FileCursor cursor : cursors.values()) {
      if (cursor.position() < sequence
          && (lowest == null || cursor.position() < lowest.position())) {
        lowest = cursor;
      }
    }
    return lowest;
  }

  /** Deletes the oldest (sealed) segment; the caller holds the state lock. */
  private void deleteOldest() {
    Segment oldest = segments[0];
    segments = Arrays.copyOfRange(segments, 1, segments.length);
    sealedBytes -= oldest.length();
    try {
      Files.deleteIfExists(oldest.path());
      Files.deleteIfExists(oldest.indexPath());
    } catch (IOException e) {
      recordError("cannot delete segment " + oldest.path() + ": " + e);
      log.warn("journal {}: cannot delete segment {}: {}", directory, oldest.path(), e.toString());
    }
  }

  private void applyAgeRetention() {
    long cutoff = System.currentTimeMillis() - retention.toMillis();
    stateLock.lock();
    try {
      while (segments.length > 1 && segments[0].sealed()) {
        Segment oldest = segments[0];
        if (cursorBefore(oldest.endSequence()) != null
            || Files.getLastModifiedTime(oldest.path()).toMillis() > cutoff) {
          return;
        }
        deleteOldest();
      }
    } catch (IOException e) {
      recordError("retention cannot inspect " + segments[0].path() + ": " + e);
      log.warn("journal {}: retention cannot inspect a segment: {}", directory, e.toString());
    } finally {
      stateLock.unlock();
    }
  }

  private void maintain() {
    long syncPeriod = fsyncInterval.toNanos();
    long period = fsync == FsyncPolicy.INTERVAL ? syncPeriod : Long.MAX_VALUE;
    if (retention != null) {
      period = Math.min(period, Math.min(TimeUnit.SECONDS.toNanos(1), retention.toNanos()));
    }
    long nextSync = System.nanoTime() + syncPeriod;
    try {
      while (!stopMaintenance.await(period, TimeUnit.NANOSECONDS)) {
        if (fsync == FsyncPolicy.INTERVAL && System.nanoTime() - nextSync >= 0) {
          nextSync += syncPeriod;
          syncNow();
          forcePendingCursorCommits();
        }
        if (retention != null) {
          applyAgeRetention();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Under {@link FsyncPolicy#INTERVAL}, forces what is committed now instead of at the next
   * interval (a failure is recorded as the periodic sync records it); otherwise nothing is pending.
   */
  @Override
  public void sync() {
    if (!readOnly && fsync == FsyncPolicy.INTERVAL) {
      syncNow();
    }
  }

  /** Forces everything committed so far; the writer's roll forced all older segments. */
  private void syncNow() {
    long target = committed.get();
    if (durable.get() >= target) {
      return;
    }
    syncLock.lock();
    try {
      if (!accepting) {
        return;
      }
      active.force();
      durable.advance(target);
    } catch (IOException e) {
      recordError("fsync failed: " + e);
      accepting = false;
      log.error(
          "journal {} stopped accepting appends: fsync failed ({}); records below sequence {} are"
              + " in the page cache but may not be on the device",
          directory,
          e.toString(),
          target);
    } finally {
      syncLock.unlock();
    }
  }

  private JournalException fail(String action, IOException e) {
    accepting = false;
    recordError(action + " failed: " + e);
    try {
      active.truncate(committedFilePosition);
    } catch (IOException truncateFailure) {
      log.warn(
          "journal {}: cannot cut the failed write back to byte {}: {}",
          directory,
          committedFilePosition,
          truncateFailure.toString());
    }
    log.error(
        "journal {} stopped accepting appends after an I/O error while {}: {}. Records below"
            + " sequence {} are intact; free disk space or fix the device, then restart",
        directory,
        action,
        e.toString(),
        committed.get());
    return new JournalException(
        "journal "
            + directory
            + " stopped accepting appends after an I/O error while "
            + action
            + ": "
            + e
            + "; records below sequence "
            + committed.get()
            + " are intact",
        e);
  }

  private JournalException notAccepting() {
    if (readOnly) {
      return new JournalException(
          "journal " + directory + " was opened read-only; only the writer process can append");
    }
    if (closed) {
      return closedError();
    }
    return new JournalException(
        "journal "
            + directory
            + " no longer accepts appends after an I/O error ("
            + lastError
            + "); free disk space or fix the device, then restart");
  }

  private void recordError(String message) {
    lastError = message;
    lastErrorAt = Instant.now();
  }

  // ---------------------------------------------------------------------------------- reading

  @Override
  public long firstSequence() {
    if (readOnly) {
      refreshSegments();
    }
    Segment[] current = segments;
    return current.length == 0 ? 0 : current[0].base();
  }

  @Override
  public long nextSequence() {
    if (!readOnly) {
      return committed.get();
    }
    synchronized (this) {
      if (tailProbe == null) {
        Segment[] current = segments;
        tailProbe =
            new FileJournalReader(
                this, current.length == 0 ? 0 : current[current.length - 1].base(), maxPayload);
      }
      while (tailProbe.read(4096, (sequence, timestamp, payload) -> {}) > 0) {
        // keep reading until the tail
      }
      if (closed) {
        // Asked after (or while) closing: answer, but keep no file open.
        tailProbe.close();
      }
      return tailProbe.position();
    }
  }

  /**
   * In the writer process, durable under the fsync policy; in a read-only process, which cannot see
   * the writer's fsyncs, the same as {@link #nextSequence()}.
   */
  @Override
  public long durableSequence() {
    return readOnly ? nextSequence() : durable.get();
  }

  @Override
  public boolean awaitDurable(long sequence, Duration timeout) {
    if (readOnly) {
      return awaitAppend(sequence - 1, timeout);
    }
    return durable.await(sequence, timeout.toNanos());
  }

  @Override
  public boolean awaitAppend(long sequence, Duration timeout) {
    if (!readOnly) {
      return committed.await(sequence + 1, timeout.toNanos());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (nextSequence() <= sequence) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || closed || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(this, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(2)));
    }
    return true;
  }

  boolean awaitCommitted(long target, long timeoutNanos) {
    return committed.await(target, timeoutNanos);
  }

  @Override
  public JournalReader reader(long fromSequence) {
    if (closed) {
      throw closedError();
    }
    return new FileJournalReader(this, fromSequence, maxPayload);
  }

  /**
   * The first retained sequence whose record has a timestamp at or after {@code timestampMicros}
   * (timestamps are expected to grow with the sequence, as the emitter assigns them), or {@link
   * #nextSequence()} when there is none. Uses the sparse indexes, then scans at most one index
   * interval.
   */
  public long sequenceAtOrAfter(long timestampMicros) {
    long end = nextSequence();
    Segment[] current = segments;
    Segment start = null;
    for (Segment segment : current) {
      try {
        if (indexOf(segment).firstTimestamp() >= timestampMicros) {
          break;
        }
      } catch (IOException e) {
        throw new JournalException("cannot read journal segment " + segment + ": " + e, e);
      }
      start = segment;
    }
    long from = current.length == 0 ? end : current[0].base();
    if (start != null) {
      try {
        long[] entry = indexOf(start).floorByTimestamp(timestampMicros);
        from = entry == null ? start.base() : entry[0];
      } catch (IOException e) {
        throw new JournalException("cannot read journal segment " + start + ": " + e, e);
      }
    }
    long[] found = {end};
    try (JournalReader reader = reader(from)) {
      while (found[0] == end && reader.position() < end) {
        int read =
            reader.read(
                1,
                (sequence, timestamp, payload) -> {
                  if (timestamp >= timestampMicros) {
                    found[0] = sequence;
                  }
                });
        if (read == 0) {
          break;
        }
      }
    }
    return found[0];
  }

  boolean isReadOnly() {
    return readOnly;
  }

  boolean isClosed() {
    return closed;
  }

  /** Highest sequence (exclusive) a reader may return now: the commit point, or unknown. */
  long readLimit() {
    return readOnly ? Long.MAX_VALUE : committed.get();
  }

  /** The segment holding {@code sequence} (the last one whose base is not above it), or null. */
  Segment segmentFor(long sequence) {
    Segment[] current = segments;
    int low = 0;
    int high = current.length - 1;
    Segment found = null;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (current[mid].base() <= sequence) {
        found = current[mid];
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** Re-lists the directory in a read-only process; the writer already knows its segments. */
  void refreshSegments() {
    if (!readOnly) {
      return;
    }
    synchronized (this) {
      try {
        segments = listSegments(segments);
      } catch (IOException e) {
        throw new JournalException("cannot list journal directory " + directory + ": " + e, e);
      }
    }
  }

  /** The segment's index, loading or rebuilding it on first use. */
  SegmentIndex indexOf(Segment segment) throws IOException {
    SegmentIndex index = segment.index();
    if (index != null) {
      return index;
    }
    synchronized (segment) {
      if (segment.index() != null) {
        return segment.index();
      }
      long length = sizeOf(segment.path());
      index = SegmentIndex.read(segment.indexPath(), segment.base(), length);
      if (index == null) {
        index = new SegmentIndex();
        scan(segment, index, false);
        if (!readOnly && segment.sealed()) {
          log.info("journal {}: rebuilt the index of {}", directory, segment.path().getFileName());
          index.write(segment.indexPath(), segment.base());
        }
      }
      segment.index(index);
      return index;
    }
  }

  @Override
  public Subscription subscribe(long fromSequence, RecordHandler handler) {
    return new ReaderSubscription(reader(fromSequence), handler, "streamll-journal-subscriber");
  }

  // ---------------------------------------------------------------------------------- cursors

  /**
   * {@inheritDoc}
   *
   * <p>In a read-only journal this opens a <em>reader cursor</em>, stored in {@code
   * readers/<name>.cursor} so that a {@code replay} can resume. It is owned by one process at a
   * time (a file lock; a second owner gets a clear error) and, unlike the writer's cursors, does
   * not hold back retention: records deleted while it lagged show up in the reader's {@link
   * JournalReader#skipped()}.
   */
  @Override
  public Cursor cursor(String name, long initialSequence) {
    checkCursorName(name);
    if (readOnly) {
      return readerCursor(name, initialSequence);
    }
    // The journal's monitor orders creation against deleteCursor and close.
    synchronized (this) {
      if (closed) {
        throw closedError();
      }
      FileCursor existing = cursors.get(name);
      if (existing != null) {
        return existing;
      }
      long start = Math.max(firstSequence(), Math.min(initialSequence, nextSequence()));
      FileCursor cursor =
          new FileCursor(this, name, CursorFile.path(directory.resolve(CURSORS), name), start, 0);
      cursor.persist(start, 0);
      cursors.put(name, cursor);
      return cursor;
    }
  }

  private synchronized Cursor readerCursor(String name, long initialSequence) {
    if (closed) {
      throw closedError();
    }
    FileCursor existing = cursors.get(name);
    if (existing != null) {
      return existing;
    }
    Path readers = directory.resolve(READERS);
    try {
      if (!Files.isDirectory(readers)) {
        Files.createDirectories(readers);
        if (forcesCursorCreation()) {
          CursorFile.forceDirectory(directory, this::cursorForced);
        }
      }
      WriterLock lock =
          WriterLock.acquire(
              readers.resolve(name + ".lock"),
              "reader cursor '"
                  + name
                  + "' of journal "
                  + directory
                  + " is already open in this process; share that Cursor",
              holder ->
                  "reader cursor '"
                      + name
                      + "' of journal "
                      + directory
                      + " is in use by another process ("
                      + holder
                      + "); use another cursor name or stop that process");
      try {
        Path file = CursorFile.path(readers, name);
        CursorFile.State state;
        try {
          state = CursorFile.read(file);
        } catch (JournalException e) {
          log.warn(
              "journal {}: {}; reader cursor '{}' restarts at the oldest retained record",
              directory,
              e.getMessage(),
              name);
          state = new CursorFile.State(firstSequence(), 0);
        }
        long next = nextSequence();
        long position =
            state != null
                ? Math.min(state.position(), next)
                : Math.max(firstSequence(), Math.min(initialSequence, next));
        FileCursor cursor = new FileCursor(this, name, file, position, 0);
        if (state != null && state.position() > next) {
          // The writer lost records this cursor had passed; new records take their sequences.
          log.warn(
              "journal {}: reader cursor '{}' was at sequence {}, past the journal's end {}; it is"
                  + " pulled back to it",
              directory,
              name,
              state.position(),
              next);
          cursor.persistForced(position, 0);
        } else {
          cursor.persist(position, 0);
        }
        readerCursorLocks.put(name, lock);
        cursors.put(name, cursor);
        return cursor;
      } catch (IOException | RuntimeException e) {
        try {
          lock.close();
        } catch (IOException releaseFailure) {
          e.addSuppressed(releaseFailure);
        }
        throw e;
      }
    } catch (IOException e) {
      throw new JournalException(
          "cannot open reader cursor '" + name + "' in " + readers + ": " + e, e);
    }
  }

  private static void checkCursorName(String name) {
    if (name == null || !CURSOR_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "cursor name '" + name + "' is invalid: use 1 to 100 letters, digits, '.', '_' or '-'");
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A commit in flight finishes first; later commits through a {@link Cursor} obtained before
   * are ignored, and {@link #cursor} returns a new cursor.
   */
  @Override
  public void deleteCursor(String name) {
    checkCursorName(name);
    if (readOnly) {
      deleteReaderCursor(name);
      return;
    }
    try {
      synchronized (this) {
        if (closed) {
          throw closedError();
        }
        FileCursor cursor = cursors.get(name);
        if (cursor == null) {
          return;
        }
        cursor.delete();
        cursors.remove(name);
        if (forcesCursorCreation()) {
          CursorFile.forceDirectory(directory.resolve(CURSORS), this::cursorForced);
        }
      }
    } catch (IOException e) {
      throw cursorFailure(name, e);
    } finally {
      // Wakes an append waiting for this cursor (BLOCK) to look again.
      cursorMoved();
    }
  }

  private synchronized void deleteReaderCursor(String name) {
    if (closed) {
      throw closedError();
    }
    Path readers = directory.resolve(READERS);
    if (!cursors.containsKey(name) && !Files.exists(CursorFile.path(readers, name))) {
      return;
    }
    FileCursor cursor = (FileCursor) readerCursor(name, 0);
    try {
      cursor.delete();
    } catch (IOException e) {
      throw cursorFailure(name, e);
    }
    cursors.remove(name);
    try (WriterLock lock = readerCursorLocks.remove(name)) {
      if (forcesCursorCreation()) {
        CursorFile.forceDirectory(readers, this::cursorForced);
      }
    } catch (IOException e) {
      throw cursorFailure(name, e);
    }
  }

  void cursorMoved() {
    stateLock.lock();
    try {
      cursorMoved.signalAll();
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * Test seam: told of every cursor file and cursor directory forced to the device, since a power
   * loss cannot be produced in a test.
   */
  volatile Consumer<Path> cursorForceListener = path -> {};

  void cursorForced(Path path) {
    cursorForceListener.accept(path);
  }

  boolean forceCursors() {
    return fsync == FsyncPolicy.EVERY_BATCH;
  }

  /** Whether creating and deleting a cursor file is forced, with its directory. */
  boolean forcesCursorCreation() {
    return fsync != FsyncPolicy.NONE;
  }

  private JournalException closedError() {
    return new JournalException("journal " + directory + " is closed");
  }

  JournalException closedCursor(String name, long sequence) {
    return new JournalException(
        "journal "
            + directory
            + " is closed; cursor '"
            + name
            + "' was not committed at sequence "
            + sequence
            + " (its records are read again after the journal is opened)");
  }

  /**
   * Under {@link FsyncPolicy#INTERVAL}, forces the cursor commits made since the last interval, so
   * that a power loss takes a cursor back by at most an interval (duplicates), as it does records.
   */
  private void forcePendingCursorCommits() {
    for (FileCursor cursor : cursors.values()) {
      cursor.forcePending();
    }
  }

  void cursorForceFailed(String name, IOException e) {
    recordError("forcing cursor '" + name + "' failed: " + e);
    log.warn(
        "journal {}: forcing cursor '{}' failed ({}); after a power loss it may resume from an"
            + " older commit and repeat events",
        directory,
        name,
        e.toString());
  }

  void cursorCloseFailed(String name, IOException e) {
    log.warn("journal {}: closing cursor '{}' failed: {}", directory, name, e.toString());
  }

  JournalException cursorFailure(String name, IOException e) {
    recordError("cannot write cursor '" + name + "': " + e);
    log.error("journal {}: cannot write cursor '{}': {}", directory, name, e.toString());
    return new JournalException(
        "journal " + directory + ": cannot write cursor '" + name + "': " + e, e);
  }

  // ---------------------------------------------------------------------------------- state

  /** Bytes cut from the newest segment by recovery when this journal was opened. */
  public long recoveredBytesCut() {
    return recoveredBytesCut;
  }

  public Path directory() {
    return directory;
  }

  @Override
  public JournalStats stats() {
    Map<String, Long> positions = new HashMap<>();
    Map<String, Long> dropped = new HashMap<>();
    for (FileCursor cursor : cursors.values()) {
      positions.put(cursor.name(), cursor.position());
      dropped.put(cursor.name(), cursor.dropped());
    }
    long size;
    if (readOnly) {
      size = 0;
      for (Segment segment : segments) {
        try {
          size += sizeOf(segment.path());
        } catch (IOException e) {
          throw new JournalException("cannot stat " + segment + ": " + e, e);
        }
      }
    } else {
      size = sealedBytes + committedFilePosition;
    }
    return new JournalStats(
        (readOnly ? "file (read-only): " : "file: ") + directory,
        firstSequence(),
        nextSequence(),
        durableSequence(),
        size,
        positions,
        dropped,
        lastError,
        lastErrorAt,
        accepting && !closed);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (fsync == FsyncPolicy.INTERVAL) {
      forcePendingCursorCommits();
    }
    for (FileCursor cursor : cursors.values()) {
      cursor.closeFile();
    }
    if (readOnly) {
      synchronized (this) {
        if (tailProbe != null) {
          tailProbe.close();
        }
      }
      for (WriterLock lock : readerCursorLocks.values()) {
        try {
          lock.close();
        } catch (IOException e) {
          log.warn(
              "journal {}: releasing a reader cursor lock failed: {}", directory, e.toString());
        }
      }
      readerCursorLocks.clear();
      return;
    }
    stopMaintenance.countDown();
    if (maintenance != null) {
      try {
        maintenance.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (accepting) {
      try {
        publish();
        if (fsync != FsyncPolicy.NONE) {
          active.force();
          durable.advance(appendedEnd);
        }
      } catch (IOException e) {
        // Logged and recorded in stats; close still releases the files and the writer lock.
        fail("closing", e);
      }
    }
    committed.close();
    durable.close();
    cursorMoved();
    closeQuietly();
  }

  private void closeQuietly() {
    for (FileCursor cursor : cursors.values()) {
      cursor.closeFile();
    }
    try {
      if (active != null) {
        active.close();
      }
    } catch (IOException e) {
      log.warn("journal {}: closing the active segment failed: {}", directory, e.toString());
    }
    try {
      if (writerLock != null) {
        writerLock.close();
      }
    } catch (IOException e) {
      log.warn("journal {}: releasing the writer lock failed: {}", directory, e.toString());
    }
  }

  @Override
  public String toString() {
    return "FileJournal[" + directory + (readOnly ? ", read-only]" : "]");
  }
}
