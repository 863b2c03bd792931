/** Benchmarks; run {@code java -jar streamll-bench/target/benchmarks.jar -h}. */
package dev.streamll.bench;
