package dev.streamll.version;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link VersionStrategy#DEPENDENCIES} fingerprint: a hash of the artifacts on the class path
 * and module path, and of the jars of any {@link URLClassLoader} that loaded the module. Each
 * artifact counts as its file name and size, sorted: the same libraries give the same fingerprint
 * on every machine whatever the install directory, and a library upgrade (new file name) or a
 * rebuilt snapshot (new size) changes it. Directories count by name only: their classes are the
 * application's own code, which {@link VersionStrategy#BYTECODE} covers. Entries that are not local
 * files count by their URL.
 */
final class DependencyFingerprint {
  private DependencyFingerprint() {}

  static String of(ClassLoader loader) {
    Set<String> entries = new LinkedHashSet<>();
    addPathList(entries, System.getProperty("java.class.path"));
    addPathList(entries, System.getProperty("jdk.module.path"));
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l instanceof URLClassLoader) {
        for (URL url : ((URLClassLoader) l).getURLs()) {
          entries.add(describe(url));
        }
      }
    }
    return hash(entries);
  }

  /** The fingerprint of exactly these artifacts. */
  static String of(Collection<Path> artifacts) {
    Set<String> entries = new LinkedHashSet<>();
    for (Path path : artifacts) {
      entries.add(describe(path));
    }
    return hash(entries);
  }

  private static String hash(Set<String> entries) {
    List<String> lines = new ArrayList<>(entries);
    lines.sort(null);
    return Hashes.id(String.join("\n", lines));
  }

  private static String describe(Path path) {
    Path name = path.getFileName();
    String label = name == null ? path.toString() : name.toString();
    try {
      if (Files.isDirectory(path)) {
        return label + ":dir";
      }
      return label + ':' + Files.size(path);
    } catch (IOException e) {
      return label + ":missing";
    }
  }

  private static String describe(URL url) {
    if ("file".equals(url.getProtocol())) {
      try {
        return describe(Paths.get(url.toURI()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return "url:" + url;
      }
    }
    return "url:" + url;
  }

  private static void addPathList(Set<String> entries, String pathList) {
    if (pathList == null || pathList.isEmpty()) {
      return;
    }
    for (String entry : pathList.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(describe(Paths.get(entry)));
      }
    }
  }
}
