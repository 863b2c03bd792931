package dev.streamll.journal;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Starts a test main class in a separate JVM with the test class path (works under Surefire). */
final class ChildJvm {
  private ChildJvm() {}

  static Process start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + "/bin/java");
    command.add("-Xmx128m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    // Surefire owns this JVM's stderr; a file keeps the child's errors readable after a failure.
    File log = new File("target/child-jvm-" + main.getSimpleName() + ".log");
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log)).start();
  }

  /** The deterministic payload of a sequence, so any process can check what it reads. */
  static byte[] payload(long sequence) {
    int size = (int) (sequence % 300);
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (sequence + i * 7);
    }
    return bytes;
  }
}
