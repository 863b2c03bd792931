/**
 * Version tracking: which code produced an event. A {@link dev.streamll.version.VersionTracker},
 * created from a {@link dev.streamll.version.VersionTracking} configuration, computes once per
 * module class and entry method the {@link dev.streamll.VersionInfo} that instrumented spans write
 * to {@code module_version}, {@code code_signature} and {@code git_commit}. See {@code
 * docs/version-tracking.md}.
 */
package dev.streamll.version;
