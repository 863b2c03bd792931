package dev.streamll.version;

import dev.streamll.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which code produced a module's events: computes a {@link VersionInfo} per module class and entry
 * method once, with the strategies of a {@link VersionTracking}, and caches it with the class (a
 * {@link ClassValue}: a reloaded class is a new entry, an unloaded one is not kept alive).
 *
 * <p>The fields, by strategy:
 *
 * <ul>
 *   <li>{@code module_version}: the parts enabled, joined by {@code +}: the {@link
 *       VersionStrategy#PACKAGE} version, the {@link VersionStrategy#BYTECODE} hash (12 hex
 *       digits), {@code deps-} and the {@link VersionStrategy#DEPENDENCIES} fingerprint. E.g.
 *       {@code 3fa9c0d1e2b4} (BYTECODE, the default), {@code 1.4.2+3fa9c0d1e2b4}, {@code
 *       1.4.2+deps-91ac02e7aa10}. A part that cannot be computed is left out; null when none can.
 *   <li>{@code code_signature}: the {@link VersionStrategy#SIGNATURE} hash (12 hex digits).
 *   <li>{@code git_commit}: the {@link VersionStrategy#GIT} commit, with {@code -dirty} for local
 *       changes.
 * </ul>
 *
 * <p>{@link #versionOf} never throws: a strategy that fails leaves its part out and logs one
 * warning for that class. The first call for a class reads its class files (typically well under a
 * millisecond) and, with GIT, may run git once per directory; later calls are a cache lookup.
 */
public final class VersionTracker {
  private static final Logger log = LoggerFactory.getLogger(VersionTracker.class);
  private static final String WHOLE_CLASS = "";

  private final VersionTracking config;
  private final Strategies strategies;
  // The cached values must not reference this ClassValue (nor the tracker holding it): a class
  // keeps its values strongly, so such a reference would keep every tracker ever used alive.
  private final ClassValue<ClassVersions> perClass;

  private VersionTracker(VersionTracking config, GitCommit git) {
    this.config = config;
    this.strategies = new Strategies(config, git);
    Strategies forValues = strategies;
    this.perClass =
        new ClassValue<>() {
          @Override
          protected ClassVersions computeValue(Class<?> type) {
            return new ClassVersions(type, forValues);
          }
        };
  }

  /** A tracker for {@code config}; a disabled one answers {@link VersionInfo#NONE} for free. */
  public static VersionTracker create(VersionTracking config) {
    return new VersionTracker(
        config, config.uses(VersionStrategy.GIT) ? GitCommit.fromEnvironment() : null);
  }

  /** For tests: the GIT strategy with its own environment and working directory. */
  static VersionTracker create(VersionTracking config, GitCommit git) {
    return new VersionTracker(config, git);
  }

  public VersionTracking config() {
    return config;
  }

  /**
   * The version of {@code moduleClass} as seen from {@code entryMethod} (the method a span traces,
   * e.g. {@code "forward"}; null or unknown: the whole class). Cached: the same instance is
   * returned for the same class and method. Never null, never throws.
   */
  public VersionInfo versionOf(Class<?> moduleClass, String entryMethod) {
    if (!config.isEnabled() || moduleClass == null) {
      return VersionInfo.NONE;
    }
    return perClass.get(moduleClass).forEntry(entryMethod == null ? WHOLE_CLASS : entryMethod);
  }

  /** The version of the whole class: {@link #versionOf(Class, String)} without an entry method. */
  public VersionInfo versionOf(Class<?> moduleClass) {
    return versionOf(moduleClass, null);
  }

  private interface Computation {
    String compute() throws Exception;
  }

  /** The strategies and their caches that span classes (artifacts, class loaders, directories). */
  private static final class Strategies {
    final VersionTracking config;
    final GitCommit git;
    final PackageVersion packages = new PackageVersion();
    private final Map<ClassLoader, String> dependencies = new WeakHashMap<>();

    Strategies(VersionTracking config, GitCommit git) {
      this.config = config;
      this.git = git;
    }

    String dependencies(ClassLoader loader) {
      synchronized (dependencies) {
        return dependencies.computeIfAbsent(loader, DependencyFingerprint::of);
      }
    }
  }

  /** The parts that do not depend on the entry method, computed once per class. */
  private static final class ClassVersions {
    private final Class<?> type;
    private final Strategies strategies;
    private final String packageVersion;
    private final String dependencyFingerprint;
    private final String signature;
    private final String gitCommit;
    private final ConcurrentHashMap<String, VersionInfo> byEntry = new ConcurrentHashMap<>();

    ClassVersions(Class<?> type, Strategies strategies) {
      this.type = type;
      this.strategies = strategies;
      this.packageVersion = part(VersionStrategy.PACKAGE, () -> strategies.packages.of(type));
      this.dependencyFingerprint =
          part(
              VersionStrategy.DEPENDENCIES,
              () -> strategies.dependencies(ClassFiles.loaderOf(type)));
      this.signature = part(VersionStrategy.SIGNATURE, () -> SignatureHash.of(type));
      this.gitCommit = part(VersionStrategy.GIT, () -> strategies.git.of(type));
    }

    VersionInfo forEntry(String entry) {
      VersionInfo known = byEntry.get(entry);
      return known != null ? known : byEntry.computeIfAbsent(entry, this::compute);
    }

    private VersionInfo compute(String entry) {
      List<String> parts = new ArrayList<>(3);
      if (packageVersion != null) {
        parts.add(packageVersion);
      }
      String bytecode =
          part(
              VersionStrategy.BYTECODE,
              () -> BytecodeHash.of(type, entry.equals(WHOLE_CLASS) ? null : entry));
      if (bytecode != null) {
        parts.add(bytecode);
      }
      if (dependencyFingerprint != null) {
        parts.add("deps-" + dependencyFingerprint);
      }
      String moduleVersion = parts.isEmpty() ? null : String.join("+", parts);
      VersionInfo info = new VersionInfo(moduleVersion, signature, gitCommit);
      log.debug(
          "version of {}{}: {}",
          type.getName(),
          entry.equals(WHOLE_CLASS) ? "" : "." + entry,
          info);
      return info;
    }

    private String part(VersionStrategy strategy, Computation computation) {
      if (!strategies.config.uses(strategy)) {
        return null;
      }
      try {
        return computation.compute();
      } catch (Exception | LinkageError e) {
        log.warn(
            "version tracking: {} of {} failed, its events go without it: {}",
            strategy,
            type.getName(),
            e.toString(),
            e);
        return null;
      }
    }
  }
}
