package io.assay.task;

/**
 * What a task kind counts work in.
 *
 * @param name short snake_case name used in capacity declarations, e.g. {@code input_tokens}
 * @param description one sentence for operators
 */
public record WorkUnit(String name, String description) {}
