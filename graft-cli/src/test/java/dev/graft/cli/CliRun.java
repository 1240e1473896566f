package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.progress.Output;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * One run of the CLI in-process, as a user runs it: its exit code and what it wrote to standard output
 * and standard error. The test helper of every CLI test that runs a verb.
 *
 * <pre>{@code
 * CliRun r = CliRun.run("hub", "ls");
 * assertEquals(0, r.code, r.err);
 * }</pre>
 */
public final class CliRun {
    public final int code;
    /** Standard output: what the verb printed through System.out, then through picocli's writer. */
    public final String out;
    public final String err;

    private CliRun(int code, String out, String err) {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code args}; the global flags start from their defaults ({@link GraftCli#commandLine} resets them). */
    public static CliRun run(String... args) {
        // What the flags were is restored after, so a run's --json, --quiet or --seed does not leak into other tests.
        boolean wasQuiet = Output.quiet();
        boolean wasJson = Output.json();
        long wasSeed = Globals.seed;
        boolean wasDebug = Globals.debug;
        // System.out is swapped before the command line is made: swapped after it, picocli's writers stayed
        // empty and its output went to the console.
        PrintStream saved = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            CommandLine cl = GraftCli.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            code = cl.execute(args);
        } finally {
            System.setOut(saved);
            Output.configure(wasQuiet, wasJson);
            Globals.seed = wasSeed;
            Globals.debug = wasDebug;
        }
        // Some verbs print their results through System.out rather than picocli's writer.
        return new CliRun(code, stdout.toString(StandardCharsets.UTF_8) + out, err.toString());
    }

    /** Asserts the exit code, showing standard error when it differs. */
    public CliRun expect(int expected) {
        assertEquals(expected, code, err);
        return this;
    }
}
