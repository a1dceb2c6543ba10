package io.assay.task.llm.model;

import java.util.Arrays;

/** A growable list of ints, to avoid boxing in the tokenizer and the corpus builder. */
final class IntList {

  private int[] items;
  private int size;

  IntList(int capacity) {
    items = new int[Math.max(capacity, 4)];
  }

  void add(int value) {
    if (size == items.length) {
      items = Arrays.copyOf(items, items.length * 2);
    }
    items[size++] = value;
  }

  int get(int index) {
    return items[index];
  }

  void set(int index, int value) {
    items[index] = value;
  }

  int size() {
    return size;
  }

  int[] toArray() {
    return Arrays.copyOf(items, size);
  }
}
