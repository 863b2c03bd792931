package dev.streamll.version;

/**
 * How {@link VersionTracker} identifies the code behind a module. Which event field each one fills
 * is described on {@link VersionTracker}.
 */
public enum VersionStrategy {
  /**
   * A hash of the module's logic: the entry method, the lambdas and the methods of the class (and
   * its nested classes) it reaches, read from the class file without debug attributes. Changes when
   * the logic changes, not when the source is reformatted or commented.
   */
  BYTECODE,
  /** A hash of the module class's public method signatures: changes only when its API changes. */
  SIGNATURE,
  /** The git commit the code was built from, with {@code -dirty} for uncommitted changes. */
  GIT,
  /** The version of the artifact (jar) holding the module class. */
  PACKAGE,
  /** A fingerprint of the artifacts on the class path: changes when a library is upgraded. */
  DEPENDENCIES
}
