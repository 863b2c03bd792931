/** Placeholder until the module's first class lands. */
package dev.streamll.kafka;
