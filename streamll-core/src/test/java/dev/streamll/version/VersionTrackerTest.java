package dev.streamll.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamll.VersionInfo;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionTrackerTest {
  private static final String MODULE =
      """
      package demo;
      public class Module {
        public String forward(String q) { return helper(q) + "!"; }
        private String helper(String q) { return q.trim(); }
        public String other() { return "o"; }
      }
      """;
  private static final String HEX12 = "[0-9a-f]{12}";

  @TempDir static Path tmp;
  private static Path classes;

  @BeforeAll
  static void compile() throws Exception {
    classes = Javac.compile(tmp.resolve("classes"), "demo.Module", MODULE);
  }

  private static GitCommit git(Map<String, String> env) {
    return new GitCommit(env::get, tmp, Duration.ofSeconds(10));
  }

  private static Path jar(String name, Manifest manifest, Map<String, String> entries)
      throws Exception {
    return Javac.jar(classes, tmp.resolve(name), manifest, entries);
  }

  private static Manifest manifest(String implementationVersion) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (implementationVersion != null) {
      manifest
          .getMainAttributes()
          .put(Attributes.Name.IMPLEMENTATION_VERSION, implementationVersion);
    }
    return manifest;
  }

  @Test
  void disabledTrackingAnswersNone() throws Exception {
    VersionTracker tracker = VersionTracker.create(VersionTracking.disabled());
    try (URLClassLoader loader = Javac.loader(classes)) {
      assertThat(tracker.versionOf(loader.loadClass("demo.Module"), "forward"))
          .isSameAs(VersionInfo.NONE);
    }
  }

  @Test
  void byDefaultModuleVersionIsTheBytecodeHashAndItIsComputedOnce() throws Exception {
    VersionTracker tracker = VersionTracker.create(VersionTracking.enabled());
    try (URLClassLoader loader = Javac.loader(classes)) {
      Class<?> module = loader.loadClass("demo.Module");
      VersionInfo forward = tracker.versionOf(module, "forward");
      assertThat(forward.moduleVersion()).matches(HEX12);
      assertThat(forward.moduleVersion()).isEqualTo(BytecodeHash.of(module, "forward"));
      assertThat(forward.codeSignature()).isNull();
      assertThat(forward.gitCommit()).isNull();
      assertThat(tracker.versionOf(module, "forward")).isSameAs(forward);
      assertThat(tracker.versionOf(module).moduleVersion())
          .isEqualTo(BytecodeHash.of(module, null))
          .isNotEqualTo(forward.moduleVersion());
    }
  }

  @Test
  void aDiscardedTrackerIsNotKeptAliveByTheClassesItVersioned() {
    WeakReference<VersionTracker> tracker = versionWithATrackerAndDropIt();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              System.gc();
              return tracker.get() == null;
            });
  }

  private static WeakReference<VersionTracker> versionWithATrackerAndDropIt() {
    VersionTracker tracker = VersionTracker.create(VersionTracking.all());
    assertThat(tracker.versionOf(VersionTrackerTest.class).moduleVersion()).isNotNull();
    return new WeakReference<>(tracker);
  }

  @Test
  void concurrentFirstCallsAgreeOnOneInstance() throws Exception {
    VersionTracker tracker = VersionTracker.create(VersionTracking.all());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (URLClassLoader loader = Javac.loader(classes)) {
      Class<?> module = loader.loadClass("demo.Module");
      List<Callable<VersionInfo>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(() -> tracker.versionOf(module, "forward"));
      }
      List<Future<VersionInfo>> results = pool.invokeAll(calls);
      VersionInfo first = results.get(0).get();
      for (Future<VersionInfo> result : results) {
        assertThat(result.get()).isSameAs(first);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aModuleInAJarHasTheSameHashAndItsPackageVersion() throws Exception {
    Path jar = jar("module-2.5.0.jar", manifest("2.5.0"), Map.of());
    VersionTracker tracker =
        VersionTracker.create(
            VersionTracking.of(VersionStrategy.PACKAGE, VersionStrategy.BYTECODE), git(Map.of()));
    try (URLClassLoader fromJar = Javac.loader(jar);
        URLClassLoader fromDirectory = Javac.loader(classes)) {
      String directoryHash = BytecodeHash.of(fromDirectory.loadClass("demo.Module"), "forward");
      assertThat(tracker.versionOf(fromJar.loadClass("demo.Module"), "forward").moduleVersion())
          .isEqualTo("2.5.0+" + directoryHash);
    }
  }

  @Test
  void withoutImplementationVersionThePomPropertiesVersionCounts() throws Exception {
    Path jar =
        jar(
            "module.jar",
            manifest(null),
            Map.of(
                "META-INF/maven/dev.example/module/pom.properties",
                "groupId=dev.example\nartifactId=module\nversion=3.1.0-SNAPSHOT\n"));
    VersionTracker tracker = VersionTracker.create(VersionTracking.of(VersionStrategy.PACKAGE));
    try (URLClassLoader loader = Javac.loader(jar)) {
      assertThat(tracker.versionOf(loader.loadClass("demo.Module"), "forward").moduleVersion())
          .isEqualTo("3.1.0-SNAPSHOT");
    }
  }

  @Test
  void aFatJarTakesThePomPropertiesItsFileNameNamesAndNoDependencysVersion() throws Exception {
    Map<String, String> poms =
        Map.of(
            "META-INF/maven/com.example/library/pom.properties",
            "groupId=com.example\nartifactId=library\nversion=9.9.9\n",
            "META-INF/maven/dev.example/app/pom.properties",
            "groupId=dev.example\nartifactId=app\nversion=1.2.0\n");
    Path named = jar("app-1.2.0-shaded.jar", manifest(null), poms);
    Path unnamed = jar("benchmarks.jar", manifest(null), poms);
    VersionTracker tracker = VersionTracker.create(VersionTracking.of(VersionStrategy.PACKAGE));
    try (URLClassLoader fromNamed = Javac.loader(named);
        URLClassLoader fromUnnamed = Javac.loader(unnamed)) {
      assertThat(tracker.versionOf(fromNamed.loadClass("demo.Module")).moduleVersion())
          .isEqualTo("1.2.0");
      assertThat(tracker.versionOf(fromUnnamed.loadClass("demo.Module")).moduleVersion()).isNull();
    }
  }

  @Test
  void aMavenBuildDirectoryTakesTheVersionFromMavenArchiver() throws Exception {
    Path target = tmp.resolve("target");
    Path built = Javac.compile(target.resolve("classes"), "demo.Module", MODULE);
    Files.createDirectories(target.resolve("maven-archiver"));
    Files.writeString(
        target.resolve("maven-archiver/pom.properties"),
        "artifactId=module\ngroupId=dev.example\nversion=0.9.1\n");
    VersionTracker tracker = VersionTracker.create(VersionTracking.of(VersionStrategy.PACKAGE));
    try (URLClassLoader loader = Javac.loader(built)) {
      assertThat(tracker.versionOf(loader.loadClass("demo.Module")).moduleVersion())
          .isEqualTo("0.9.1");
    }
  }

  @Test
  void everyStrategyFillsItsField() throws Exception {
    Path jar = jar("module-all.jar", manifest("1.4.2"), Map.of());
    VersionTracker tracker =
        VersionTracker.create(
            VersionTracking.all(), git(Map.of("STREAMLL_GIT_COMMIT", "abc123-dirty")));
    try (URLClassLoader loader = Javac.loader(jar)) {
      VersionInfo info = tracker.versionOf(loader.loadClass("demo.Module"), "forward");
      assertThat(info.moduleVersion()).matches("1\\.4\\.2\\+" + HEX12 + "\\+deps-" + HEX12);
      assertThat(info.codeSignature()).matches(HEX12);
      assertThat(info.gitCommit()).isEqualTo("abc123-dirty");
    }
  }

  @Test
  void aStrategyThatFailsLeavesItsPartOutInsteadOfThrowing() throws Exception {
    VersionTracker tracker =
        VersionTracker.create(
            VersionTracking.of(VersionStrategy.BYTECODE, VersionStrategy.SIGNATURE));
    try (URLClassLoader loader = new CorruptClassFiles(classes)) {
      VersionInfo info = tracker.versionOf(loader.loadClass("demo.Module"), "forward");
      assertThat(info.moduleVersion()).isNull();
      assertThat(info.codeSignature()).matches(HEX12);
    }
  }

  /** Loads classes normally but serves garbage when asked for a class file as a resource. */
  private static final class CorruptClassFiles extends URLClassLoader {
    CorruptClassFiles(Path classes) throws Exception {
      super(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      if (name.endsWith(".class")) {
        return new ByteArrayInputStream(new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2, 3});
      }
      return super.getResourceAsStream(name);
    }
  }
}
