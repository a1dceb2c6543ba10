package io.assay.task.llm.model;

/**
 * Receives generated tokens as soon as they are certain to be part of the answer, on the thread
 * that called {@link ReferenceLm#generate}. See {@link ReferenceLm#generate} for when a token is
 * held back. An exception thrown here aborts the generation and propagates to its caller.
 */
@FunctionalInterface
public interface TokenListener {

  void onToken(TokenChoice token);
}
