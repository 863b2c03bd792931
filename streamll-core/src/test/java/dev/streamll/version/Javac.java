package dev.streamll.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/** Compiles test sources into directories, with full debug information (-g), and loads them. */
final class Javac {
  private static final JavaCompiler COMPILER = ToolProvider.getSystemJavaCompiler();
  // Shared: opening the platform classes for --release is a large part of a small compilation.
  private static final StandardJavaFileManager FILE_MANAGER =
      COMPILER.getStandardFileManager(null, null, StandardCharsets.UTF_8);

  private Javac() {}

  /** Compiles {@code sources} (class name → source) into {@code dir}. */
  static Path compile(Path dir, Map<String, String> sources) throws IOException {
    Files.createDirectories(dir);
    List<JavaFileObject> files = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      files.add(
          new SimpleJavaFileObject(
              URI.create("string:///" + source.getKey().replace('.', '/') + ".java"),
              JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return source.getValue();
            }
          });
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    synchronized (FILE_MANAGER) {
      FILE_MANAGER.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(dir));
      boolean ok =
          COMPILER
              .getTask(
                  null, FILE_MANAGER, diagnostics, List.of("-g", "--release", "17"), null, files)
              .call();
      assertThat(ok).as("compilation: %s", diagnostics.getDiagnostics()).isTrue();
    }
    return dir;
  }

  static Path compile(Path dir, String className, String source) throws IOException {
    return compile(dir, Map.of(className, source));
  }

  /** A fresh loader for {@code location} (a directory or jar) that sees only it and the JDK. */
  static URLClassLoader loader(Path location) {
    try {
      return new URLClassLoader(
          new URL[] {location.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Packs a compiled directory into a jar with {@code manifest} and extra entries. */
  static Path jar(Path classes, Path jar, Manifest manifest, Map<String, String> extraEntries)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        jarOut.write(Files.readAllBytes(file));
        jarOut.closeEntry();
      }
      for (Map.Entry<String, String> entry : extraEntries.entrySet()) {
        jarOut.putNextEntry(new JarEntry(entry.getKey()));
        jarOut.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        jarOut.closeEntry();
      }
    }
    return jar;
  }
}
