package dev.streamll.redis.processor;

/**
 * Processes one entry. Returning normally acknowledges the entry; throwing counts as a failed
 * attempt that the {@link RetryPolicy} retries or dead-letters. Handlers should respond to
 * interruption: the processor interrupts handlers still running when a shutdown deadline passes.
 */
@FunctionalInterface
public interface EntryHandler<T> {
  void handle(Item<T> item) throws Exception;
}
