package dev.graft.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the examples share: where they write. */
final class Examples {
    private Examples() {}

    /** The folder given as the first argument, else a new temporary one. */
    static Path outDir(String[] args, String name) {
        try {
            return args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("graft-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
