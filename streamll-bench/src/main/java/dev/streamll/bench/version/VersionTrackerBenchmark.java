package dev.streamll.bench.version;

import dev.streamll.VersionInfo;
import dev.streamll.forward.Forwarder;
import dev.streamll.version.VersionStrategy;
import dev.streamll.version.VersionTracker;
import dev.streamll.version.VersionTracking;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What version tracking costs: the first computation for a class (a fresh tracker each time, so
 * nothing is cached; the class files themselves come from the class loader as in production) and
 * the lookup an event pays afterwards. Per class: BYTECODE and SIGNATURE; per artifact: PACKAGE and
 * DEPENDENCIES; per directory: GIT ({@code gitFirstCall} runs git, measured as single shots).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VersionTrackerBenchmark {
  private static final VersionTracking BYTECODE = VersionTracking.enabled();
  private static final VersionTracking SIGNATURE = VersionTracking.of(VersionStrategy.SIGNATURE);
  private static final VersionTracking ARTIFACTS =
      VersionTracking.of(VersionStrategy.PACKAGE, VersionStrategy.DEPENDENCIES);
  private static final VersionTracking ALL_BUT_GIT =
      VersionTracking.of(
          VersionStrategy.BYTECODE,
          VersionStrategy.SIGNATURE,
          VersionStrategy.PACKAGE,
          VersionStrategy.DEPENDENCIES);

  private VersionTracker warm;

  @Setup
  public void setUp() {
    warm = VersionTracker.create(ALL_BUT_GIT);
    warm.versionOf(SampleModule.class, "forward");
  }

  @Benchmark
  public VersionInfo firstBytecode() {
    return VersionTracker.create(BYTECODE).versionOf(SampleModule.class, "forward");
  }

  /** A larger class (core's Forwarder, ~20 methods, nested classes), whole class. */
  @Benchmark
  public VersionInfo firstBytecodeLargeClassWhole() {
    return VersionTracker.create(BYTECODE).versionOf(Forwarder.class);
  }

  @Benchmark
  public VersionInfo firstSignature() {
    return VersionTracker.create(SIGNATURE).versionOf(SampleModule.class, "forward");
  }

  /**
   * PACKAGE and DEPENDENCIES in a fresh tracker: once per artifact and class loader, not per class.
   * Run from the shaded benchmarks jar (tens of thousands of entries, many pom.properties), a worst
   * case for the pom.properties scan.
   */
  @Benchmark
  public VersionInfo firstPackageAndDependencies() {
    return VersionTracker.create(ARTIFACTS).versionOf(SampleModule.class, "forward");
  }

  /** What each event pays once the class is known (the lead caches per method on top). */
  @Benchmark
  public VersionInfo cachedLookup() {
    return warm.versionOf(SampleModule.class, "forward");
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 5)
  public VersionInfo gitFirstCall() {
    return VersionTracker.create(VersionTracking.of(VersionStrategy.GIT))
        .versionOf(SampleModule.class, "forward");
  }
}
