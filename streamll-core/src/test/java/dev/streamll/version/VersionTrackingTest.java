package dev.streamll.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionTrackingTest {
  @Test
  void trackingIsOffUnlessAsked() {
    assertThat(VersionTracking.disabled().isEnabled()).isFalse();
    assertThat(VersionTracking.parse(null)).isEqualTo(VersionTracking.disabled());
    assertThat(VersionTracking.parse(" off ")).isEqualTo(VersionTracking.disabled());
  }

  @Test
  void enabledMeansBytecode() {
    assertThat(VersionTracking.enabled().strategies()).containsExactly(VersionStrategy.BYTECODE);
    assertThat(VersionTracking.parse("on")).isEqualTo(VersionTracking.enabled());
    assertThat(VersionTracking.parse("TRUE")).isEqualTo(VersionTracking.enabled());
  }

  @Test
  void parsesStrategyListsInAnyCase() {
    assertThat(VersionTracking.parse("Git, bytecode,").strategies())
        .containsExactly(VersionStrategy.BYTECODE, VersionStrategy.GIT);
    assertThat(VersionTracking.parse("all").strategies()).containsExactly(VersionStrategy.values());
    assertThat(VersionTracking.of(VersionStrategy.SIGNATURE).uses(VersionStrategy.SIGNATURE))
        .isTrue();
    assertThat(VersionTracking.parse("package,dependencies").toString())
        .isEqualTo("VersionTracking[PACKAGE, DEPENDENCIES]");
  }

  @Test
  void anUnknownStrategyIsRejectedNamingTheSettingAndTheChoices() {
    assertThatThrownBy(() -> VersionTracking.parse("bytecode,ast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STREAMLL_VERSION_TRACKING")
        .hasMessageContaining("'ast'")
        .hasMessageContaining("bytecode, signature, git, package, dependencies");
  }
}
