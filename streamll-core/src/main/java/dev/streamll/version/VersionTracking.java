package dev.streamll.version;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which {@link VersionStrategy strategies} version tracking uses: an immutable configuration value.
 * Tracking is opt-in: {@link #disabled()} is the default, {@link #enabled()} turns on {@link
 * VersionStrategy#BYTECODE}.
 */
public final class VersionTracking {
  /** Environment variable read by {@link #fromEnvironment()}; same syntax as {@link #parse}. */
  public static final String ENV = "STREAMLL_VERSION_TRACKING";

  private static final VersionTracking DISABLED =
      new VersionTracking(EnumSet.noneOf(VersionStrategy.class));

  private final Set<VersionStrategy> strategies;

  private VersionTracking(EnumSet<VersionStrategy> strategies) {
    this.strategies = Collections.unmodifiableSet(strategies);
  }

  /** No tracking: every module gets {@link dev.streamll.VersionInfo#NONE}. */
  public static VersionTracking disabled() {
    return DISABLED;
  }

  /** The default when tracking is on: {@link VersionStrategy#BYTECODE}. */
  public static VersionTracking enabled() {
    return of(VersionStrategy.BYTECODE);
  }

  /** Every strategy. */
  public static VersionTracking all() {
    return of(EnumSet.allOf(VersionStrategy.class));
  }

  public static VersionTracking of(VersionStrategy first, VersionStrategy... more) {
    return new VersionTracking(EnumSet.of(first, more));
  }

  public static VersionTracking of(Collection<VersionStrategy> strategies) {
    if (strategies.isEmpty()) {
      return DISABLED;
    }
    return new VersionTracking(EnumSet.copyOf(strategies));
  }

  /**
   * Parses a setting such as {@code "bytecode,git"}: a comma-separated list of strategy names (any
   * case), or {@code on}/{@code true} ({@link #enabled()}), {@code all}, {@code off}/{@code
   * false}/{@code none}/empty ({@link #disabled()}).
   *
   * @throws IllegalArgumentException naming the unknown value and the accepted ones
   */
  public static VersionTracking parse(String spec) {
    String trimmed = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
    switch (trimmed) {
      case "":
      case "off":
      case "false":
      case "none":
        return DISABLED;
      case "on":
      case "true":
        return enabled();
      case "all":
        return all();
      default:
        break;
    }
    EnumSet<VersionStrategy> set = EnumSet.noneOf(VersionStrategy.class);
    for (String part : trimmed.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      try {
        set.add(VersionStrategy.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "version tracking ("
                + ENV
                + "): unknown strategy '"
                + name
                + "' in '"
                + spec
                + "'; use on, off, all or a comma-separated list of "
                + Arrays.toString(VersionStrategy.values()).toLowerCase(Locale.ROOT),
            e);
      }
    }
    return of(set);
  }

  /** The setting in {@value #ENV}; disabled when the variable is not set. */
  public static VersionTracking fromEnvironment() {
    return parse(System.getenv(ENV));
  }

  public boolean isEnabled() {
    return !strategies.isEmpty();
  }

  public boolean uses(VersionStrategy strategy) {
    return strategies.contains(strategy);
  }

  public Set<VersionStrategy> strategies() {
    return strategies;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionTracking && ((VersionTracking) o).strategies.equals(strategies);
  }

  @Override
  public int hashCode() {
    return strategies.hashCode();
  }

  @Override
  public String toString() {
    if (strategies.isEmpty()) {
      return "VersionTracking[off]";
    }
    return "VersionTracking" + strategies;
  }
}
