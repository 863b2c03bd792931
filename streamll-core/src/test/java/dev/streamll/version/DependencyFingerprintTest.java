package dev.streamll.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DependencyFingerprintTest {
  @TempDir Path tmp;

  private Path artifact(String dir, String name, int size) throws Exception {
    Path file = Files.createDirectories(tmp.resolve(dir)).resolve(name);
    return Files.write(file, new byte[size]);
  }

  @Test
  void sameArtifactsInAnotherDirectoryAndOrderGiveTheSameFingerprint() throws Exception {
    String here =
        DependencyFingerprint.of(
            List.of(artifact("a", "lib-1.0.jar", 10), artifact("a", "other-2.1.jar", 20)));
    String there =
        DependencyFingerprint.of(
            List.of(artifact("b", "other-2.1.jar", 20), artifact("b", "lib-1.0.jar", 10)));
    assertThat(here).matches("[0-9a-f]{12}").isEqualTo(there);
  }

  @Test
  void anUpgradeOrARebuiltArtifactChangesTheFingerprint() throws Exception {
    String base = DependencyFingerprint.of(List.of(artifact("a", "lib-1.0.jar", 10)));
    assertThat(DependencyFingerprint.of(List.of(artifact("b", "lib-1.1.jar", 10))))
        .isNotEqualTo(base);
    assertThat(DependencyFingerprint.of(List.of(artifact("c", "lib-1.0.jar", 11))))
        .isNotEqualTo(base);
  }

  @Test
  void theRunningClassPathHasAFingerprint() {
    assertThat(DependencyFingerprint.of(getClass().getClassLoader())).matches("[0-9a-f]{12}");
  }
}
