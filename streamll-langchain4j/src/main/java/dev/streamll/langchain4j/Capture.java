package dev.streamll.langchain4j;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the user's {@link ContentCapture} so that a failing policy drops text, never a call. */
final class Capture {
  private static final Logger log = LoggerFactory.getLogger(Capture.class);

  private final ContentCapture policy;
  private final AtomicBoolean warned = new AtomicBoolean();

  Capture(ContentCapture policy) {
    this.policy = policy;
  }

  /** The text to record, or null. */
  String apply(ContentCapture.Kind kind, String text) {
    if (text == null) {
      return null;
    }
    try {
      return policy.capture(kind, text);
    } catch (RuntimeException e) {
      // Once at warn: a broken policy fails for every token, and the log must stay readable.
      if (warned.compareAndSet(false, true)) {
        log.warn("ContentCapture failed for {}; such text is left out of events", kind, e);
      } else {
        log.debug("ContentCapture failed for {}", kind, e);
      }
      return null;
    }
  }
}
