package dev.graft.data;

/**
 * A data set's train, validation and test splits (validation may be carved from train with a seed).
 *
 * @param train training split
 * @param validation validation split (may be empty, never null)
 * @param test held-out test split
 */
public record DataSplits(ImageData train, ImageData validation, ImageData test) {}
