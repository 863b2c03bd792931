package dev.streamll.forward;

import dev.streamll.sink.AsyncSink;
import dev.streamll.sink.Sink;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that calls a sink: starts it once, then runs {@code write} (or {@code writeAsync}
 * for an {@link AsyncSink}) for each batch in order. After a batch fails, batches already queued
 * behind it are not sent until the forwarder has settled every outstanding batch and {@link #resume
 * resumes}, so a failure is not followed by writes the forwarder will resend anyway.
 *
 * <p>A call that overstays the write timeout is interrupted; the thread is then replaced, so a sink
 * that ignores interruption can hold only its own thread, never the forwarder.
 */
final class SinkThread {
  private static final Logger log = LoggerFactory.getLogger(SinkThread.class);

  private final Sink sink;
  private final MonotonicClock clock;
  private final Wakeup wakeup;
  private volatile ExecutorService executor;
  private final AtomicInteger failedGeneration = new AtomicInteger(-1);
  private volatile boolean started;
  private volatile int generation;

  SinkThread(Sink sink, MonotonicClock clock, Wakeup wakeup) {
    this.sink = sink;
    this.clock = clock;
    this.wakeup = wakeup;
    this.executor = newExecutor();
  }

  private ExecutorService newExecutor() {
    return Executors.newSingleThreadExecutor(
        task -> {
          Thread t = new Thread(task, "streamll-sink-" + sink.name());
          t.setDaemon(true);
          return t;
        });
  }

  /** Starts the sink on the calling thread; the sink thread will not start it again. */
  void startNow() throws Exception {
    sink.start();
    started = true;
  }

  /**
   * Queues {@code batch} for the sink; the returned batch settles when it is confirmed or fails.
   */
  InFlightBatch submit(Batch batch) {
    InFlightBatch inFlight = new InFlightBatch(batch);
    int submittedIn = generation;
    inFlight
        .settled()
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                failedGeneration.accumulateAndGet(submittedIn, Math::max);
              }
              wakeup.signal();
            });
    inFlight.call(executor.submit(() -> call(inFlight, submittedIn)));
    return inFlight;
  }

  private void call(InFlightBatch inFlight, int submittedIn) {
    if (!inFlight.begin(clock.nanoTime())) {
      return;
    }
    if (failedGeneration.get() >= submittedIn) {
      inFlight.settle(new CancellationException("an earlier batch failed"));
      return;
    }
    try {
      if (!started) {
        sink.start();
        started = true;
      }
      if (sink instanceof AsyncSink) {
        CompletionStage<Void> stage = ((AsyncSink) sink).writeAsync(inFlight.batch().events());
        inFlight.handedOver(stage);
        stage.whenComplete((ignored, failure) -> inFlight.settle(failure));
      } else {
        sink.write(inFlight.batch().events());
        inFlight.settle(null);
      }
    } catch (Throwable failure) { // the forwarder retries whatever the sink threw, even an Error
      inFlight.settle(failure);
    }
  }

  /**
   * Lets batches submitted from now on through again; call once every outstanding batch has
   * settled. Batches are counted in generations so that a late failure callback of an old batch
   * cannot stop new ones.
   */
  void resume() {
    generation++;
  }

  /**
   * Gives the next batches a fresh thread after a call had to be interrupted, abandoning the old
   * thread if it does not finish promptly.
   */
  void replace() throws InterruptedException {
    ExecutorService timedOut = executor;
    executor = newExecutor();
    timedOut.shutdownNow();
    if (!timedOut.awaitTermination(100, TimeUnit.MILLISECONDS)) {
      log.error(
          "sink {} ignored interruption after its write timed out; abandoning that thread",
          sink.name());
    }
  }

  void shutdown() {
    executor.shutdownNow();
  }
}
