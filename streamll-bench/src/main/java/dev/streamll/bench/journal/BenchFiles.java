package dev.streamll.bench.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary directories for benchmark journals and queues. */
public final class BenchFiles {
  private BenchFiles() {}

  /** A fresh directory under {@code -Dbench.dir} (default: the system temp directory). */
  public static Path freshDirectory(String prefix) {
    try {
      String base = System.getProperty("bench.dir");
      if (base == null) {
        return Files.createTempDirectory(prefix);
      }
      Files.createDirectories(Path.of(base));
      return Files.createTempDirectory(Path.of(base), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
