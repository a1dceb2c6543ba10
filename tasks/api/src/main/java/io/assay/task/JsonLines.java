package io.assay.task;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a JSON-lines file (UTF-8, one value a line): every line that is not blank, in order. */
public final class JsonLines {

  /** Handles one line. */
  @FunctionalInterface
  public interface LineHandler {

    /** @param number the line's number in the file, from 1, for messages */
    void line(String text, int number) throws IOException;
  }

  private JsonLines() {}

  /** Hands every line of {@code file} that is not blank to {@code handler}. */
  public static void forEach(Path file, LineHandler handler) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int number = 0;
      while ((text = in.readLine()) != null) {
        number++;
        if (!text.isBlank()) {
          handler.line(text, number);
        }
      }
    }
  }
}
