package dev.streamll.demo;

import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;

/** The demo's AI service: answers questions about StreamLL from the bundled documents. */
public interface Assistant {

  @SystemMessage(
      "You answer questions about StreamLL using only the information given. When the user asks"
          + " which command does something, call the cliCommand tool. Answer in two sentences.")
  TokenStream answer(String question);
}
