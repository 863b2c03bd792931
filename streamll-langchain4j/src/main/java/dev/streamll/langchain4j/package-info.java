/**
 * LangChain4j instrumentation: AI-service calls become {@code module_forward} spans, chat model
 * calls {@code llm_call} spans with OpenTelemetry GenAI attribute names, streamed partial responses
 * {@code token} events, tool executions {@code tool_call} spans and content retrieval {@code
 * retrieve} spans. Start with {@link dev.streamll.langchain4j.StreamllLangChain4j}.
 */
package dev.streamll.langchain4j;
