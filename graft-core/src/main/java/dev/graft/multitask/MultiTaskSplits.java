package dev.graft.multitask;

/**
 * A multi-task data set's train, validation and test splits.
 *
 * @param train training split
 * @param validation validation split (may be empty, never null)
 * @param test held-out test split
 */
public record MultiTaskSplits(MultiTaskData train, MultiTaskData validation, MultiTaskData test) {}
