package dev.graft.text;

/**
 * A text data set's train, validation and test splits.
 *
 * @param train training split
 * @param validation validation split carved from train with a seed (may be empty, never null)
 * @param test held-out test split
 */
public record TextSplits(TextData train, TextData validation, TextData test) {}
