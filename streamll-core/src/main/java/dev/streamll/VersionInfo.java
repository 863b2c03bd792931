package dev.streamll;

/**
 * Which code produced an event: the values written to {@code module_version}, {@code
 * code_signature} and {@code git_commit}. Any of them may be null.
 */
public record VersionInfo(String moduleVersion, String codeSignature, String gitCommit) {
  public static final VersionInfo NONE = new VersionInfo(null, null, null);
}
