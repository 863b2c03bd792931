/**
 * The {@code streamll} command line: {@code demo}, {@code tail}, {@code stats}, {@code replay} and
 * {@code doctor}, run by {@link dev.streamll.cli.StreamllCli} behind the {@code ./streamll}
 * launcher.
 */
package dev.streamll.cli;
