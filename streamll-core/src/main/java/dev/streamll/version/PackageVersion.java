package dev.streamll.version;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@link VersionStrategy#PACKAGE} version: of the jar (or build directory) the module class was
 * loaded from, the first of: the package's {@link Package#getImplementationVersion()} (the class
 * loader read it from the jar's manifest already); the manifest's {@code Implementation-Version};
 * the {@code version} in Maven's {@code META-INF/maven/<group>/<artifact>/pom.properties} (of a fat
 * jar holding several, only the one the jar's file name names); for a Maven build directory ({@code
 * target/classes}), {@code target/maven-archiver/pom.properties}.
 */
final class PackageVersion {
  private static final String MANIFEST = "META-INF/MANIFEST.MF";
  private static final String MAVEN_DIR = "META-INF/maven/";

  private final ConcurrentHashMap<String, Optional<String>> byRoot = new ConcurrentHashMap<>();

  /**
   * The version of {@code moduleClass}'s artifact. Cached per artifact: a fat jar's directory of
   * entries is read at most once however many module classes it holds.
   */
  String of(Class<?> moduleClass) throws IOException {
    Package pkg = moduleClass.getPackage();
    String version = pkg == null ? null : blankToNull(pkg.getImplementationVersion());
    if (version != null) {
      return version;
    }
    String root = ClassFiles.root(moduleClass);
    if (root != null) {
      Optional<String> known = byRoot.get(root);
      if (known == null) {
        known = Optional.ofNullable(fromRoot(root));
        byRoot.putIfAbsent(root, known);
      }
      version = known.orElse(null);
    }
    return version;
  }

  private static String fromRoot(String root) throws IOException {
    try {
      if (root.startsWith("jar:")) {
        return fromJar(root);
      }
      if (root.startsWith("file:")) {
        return fromDirectory(Paths.get(new URI(root)));
      }
      return null;
    } catch (URISyntaxException e) {
      throw new IOException("cannot read the artifact at " + root + ": " + e.getMessage(), e);
    }
  }

  private static String fromJar(String root) throws IOException, URISyntaxException {
    URLConnection connection = new URI(root).toURL().openConnection();
    if (!(connection instanceof JarURLConnection)) {
      return null;
    }
    // Our own JarFile, closed here: a cached one would stay open for the life of the process.
    connection.setUseCaches(false);
    try (JarFile jar = ((JarURLConnection) connection).getJarFile()) {
      String version = implementationVersion(jar.getManifest());
      if (version != null) {
        return version;
      }
      List<Properties> poms = new ArrayList<>();
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.getName().startsWith(MAVEN_DIR) && entry.getName().endsWith("/pom.properties")) {
          try (InputStream in = jar.getInputStream(entry)) {
            poms.add(properties(in));
          }
        }
      }
      return choose(poms, jarName(root));
    }
  }

  /**
   * A jar holding several artifacts' pom.properties is a fat jar: only the one its file name names
   * ({@code app-1.2.jar}, {@code app-1.2-shaded.jar}) is the module's, the others are its
   * dependencies'. When none is named, no version is better than a dependency's.
   */
  private static String choose(List<Properties> poms, String artifactName) {
    if (poms.size() == 1) {
      return blankToNull(poms.get(0).getProperty("version"));
    }
    if (artifactName == null) {
      return null;
    }
    for (Properties pom : poms) {
      String artifactId = pom.getProperty("artifactId");
      String version = blankToNull(pom.getProperty("version"));
      if (artifactId != null
          && version != null
          && (artifactName.equals(artifactId)
              || artifactName.startsWith(artifactId + "-" + version))) {
        return version;
      }
    }
    return null;
  }

  private static String jarName(String root) {
    int end = root.indexOf("!/");
    if (end < 0) {
      return null;
    }
    String jar = root.substring(root.lastIndexOf('/', end - 1) + 1, end);
    return jar.endsWith(".jar") ? jar.substring(0, jar.length() - ".jar".length()) : jar;
  }

  private static String fromDirectory(Path dir) throws IOException {
    Path manifest = dir.resolve(MANIFEST);
    if (Files.isRegularFile(manifest)) {
      try (InputStream in = Files.newInputStream(manifest)) {
        String version = implementationVersion(new Manifest(in));
        if (version != null) {
          return version;
        }
      }
    }
    List<Properties> poms = new ArrayList<>();
    Path maven = dir.resolve(MAVEN_DIR);
    if (Files.isDirectory(maven)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(maven, 3)) {
        files = walk.filter(p -> p.endsWith("pom.properties")).collect(Collectors.toList());
      }
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          poms.add(properties(in));
        }
      }
    }
    String version = choose(poms, null);
    Path parent = dir.getParent();
    Path archiver = parent == null ? null : parent.resolve("maven-archiver/pom.properties");
    if (version == null && archiver != null && Files.isRegularFile(archiver)) {
      try (InputStream in = Files.newInputStream(archiver)) {
        version = blankToNull(properties(in).getProperty("version"));
      }
    }
    return version;
  }

  private static String implementationVersion(Manifest manifest) {
    if (manifest == null) {
      return null;
    }
    return blankToNull(
        manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION));
  }

  private static Properties properties(InputStream in) throws IOException {
    Properties properties = new Properties();
    properties.load(in);
    return properties;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
