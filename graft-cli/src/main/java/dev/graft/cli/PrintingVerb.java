package dev.graft.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A verb that prints its results through picocli's writer rather than System.out, so that a test or
 * a program embedding the command line reads them where it set them ({@code CommandLine.setOut}).
 */
public abstract class PrintingVerb implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Standard output as picocli holds it (the writer {@code CommandLine.setOut} sets). */
    protected PrintWriter stdout() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code value} as one JSON document and flushes. */
    protected void printJson(Object value) {
        try {
            stdout().println(Json.MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        stdout().flush();
    }

    /** The result of a verb that says it in one line: {@code json} with --json, else {@code line}. */
    protected void printResult(Object json, String line) {
        if (Output.json()) {
            printJson(json);
        } else {
            stdout().println(line);
            stdout().flush();
        }
    }
}
