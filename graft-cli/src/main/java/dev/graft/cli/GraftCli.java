package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.data.BadRows;
import dev.graft.data.DataSpec;
import dev.graft.engine.EngineNumerics;
import dev.graft.engine.Engines;
import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.server.HubServerException;
import dev.graft.progress.Output;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * The {@code graft} command. Each verb is a class of its own, listed here as a subcommand.
 */
@Command(
        name = "graft",
        // INHERIT copies mixinStandardHelpOptions (-h/--help, -V/--version) to every verb and sub-verb,
        // so help is declared here once and a verb added later gets it too.
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = GraftCli.Version.class,
        description = "Pretrained models, transfer learning and a model hub for the JVM.",
        subcommands = {
            SystemCommand.class,
            dev.graft.cli.data.DataCommand.class,
            AdaptCommand.class,
            MultitaskCommand.class,
            dev.graft.cli.hub.HubCommand.class,
            ModelsCommand.class,
            dev.graft.cli.text.QuickstartCommand.class,
            dev.graft.cli.text.EmbedCommand.class,
            dev.graft.cli.text.ZeroShotCommand.class,
            dev.graft.cli.text.FewShotCommand.class,
            dev.graft.cli.train.FewshotTrainCommand.class,
            dev.graft.cli.text.GenerateCommand.class,
            dev.graft.cli.text.LmFinetuneCommand.class,
            dev.graft.cli.text.LmPretrainCommand.class,
            dev.graft.cli.text.ClipTrainCommand.class,
            dev.graft.cli.train.FinetuneCommand.class,
            dev.graft.cli.train.AdviseCommand.class,
            dev.graft.cli.train.EvalCommand.class,
            dev.graft.cli.train.PredictCommand.class,
            dev.graft.cli.train.PretrainCommand.class,
            dev.graft.cli.text.TextFinetuneCommand.class,
            dev.graft.cli.peft.PeftCommand.class,
            dev.graft.cli.spark.SparkCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class GraftCli extends VerbGroup {

    @Option(names = "--quiet", scope = ScopeType.INHERIT, description = "No progress or notes, only results and errors.")
    void quiet(boolean q) {
        Output.configure(q, Output.json());
    }

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Machine-readable results on standard output.")
    void json(boolean j) {
        Output.configure(Output.quiet(), j);
    }

    @Option(names = "--seed", scope = ScopeType.INHERIT, description = "Random seed (default: 42).")
    void seed(long s) {
        Globals.seed = s;
    }

    @Option(names = "--skip-bad", scope = ScopeType.INHERIT,
            description = "Leave bad rows of hub data sets out (counted and reported) instead of stopping at the first.")
    void skipBad(boolean s) {
        BadRows.skipByDefault(s);
    }

    @Option(names = "--text-column", scope = ScopeType.INHERIT, paramLabel = "COLUMN",
            description = "The text column of hub data sets (default: found by name and type; ?text= on the data argument wins).")
    void textColumn(String c) {
        DataSpec.Columns d = DataSpec.defaultColumns();
        DataSpec.defaultColumns(new DataSpec.Columns(c, d.label(), d.image()));
    }

    @Option(names = "--label-column", scope = ScopeType.INHERIT, paramLabel = "COLUMN",
            description = "The label column of hub and csv: data sets (default: found by name and type; ?label= on the data argument wins).")
    void labelColumn(String c) {
        DataSpec.Columns d = DataSpec.defaultColumns();
        DataSpec.defaultColumns(new DataSpec.Columns(d.text(), c, d.image()));
    }

    @Option(names = "--image-column", scope = ScopeType.INHERIT, paramLabel = "COLUMN",
            description = "The image column of hub data sets (default: found by name and type; ?image= on the data argument wins).")
    void imageColumn(String c) {
        DataSpec.Columns d = DataSpec.defaultColumns();
        DataSpec.defaultColumns(new DataSpec.Columns(d.text(), d.label(), c));
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    void debug(boolean d) {
        Globals.debug = d;
    }

    public static void main(String[] args) {
        Engines.configure();
        if (SafeIsaRelaunch.knownNeeded()) {
            System.exit(SafeIsaRelaunch.run(args));
        }
        relaunchOnWrongNumerics = SafeIsaRelaunch.possible();
        int code = execute(args);
        System.exit(code == SafeIsaRelaunch.EXIT && relaunchOnWrongNumerics ? SafeIsaRelaunch.run(args) : code);
    }

    /** Set by {@link #main} only: a run from a test or another program reports wrong numerics as an error. */
    private static boolean relaunchOnWrongNumerics;

    /** Runs the command line and returns the exit code (used by tests too). */
    public static int execute(String... args) {
        Engines.configure();
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    /** The configured command line; shared by {@link #execute} and tests. */
    public static CommandLine commandLine() {
        // The global flags live in static fields: a new command line starts from their defaults, so a
        // run in the same JVM (tests, embedding) does not inherit an earlier run's --json, --quiet or --seed.
        Output.configure(false, false);
        Globals.seed = Globals.DEFAULT_SEED;
        Globals.debug = false;
        BadRows.skipByDefault(false);
        DataSpec.defaultColumns(null);
        CommandLine cl = new CommandLine(new GraftCli());
        cl.setExecutionExceptionHandler(GraftCli::handle);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (ex instanceof EngineNumerics.WrongNumerics && relaunchOnWrongNumerics) {
            return SafeIsaRelaunch.EXIT;
        }
        PrintWriter err = cl.getErr();
        if (Globals.debug) {
            ex.printStackTrace(err);
        }
        if (ex instanceof GraftException g) {
            err.println("error: " + CliErrors.oneLine(g));
        } else if (ex instanceof HubProtocolException p) {
            err.println("error: " + p.oneLine());
        } else if (ex instanceof HubServerException s) {
            err.println("error: " + s.getMessage() + (s.fix() == null ? "" : " (" + s.fix() + ")"));
        } else {
            String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            err.println("error: " + msg + (Globals.debug ? "" : " (run with --debug for details)"));
        }
        err.flush();
        return 1;
    }

    /** Version line from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = versionProperties();
            return new String[] {
                "graft " + p.getProperty("version", "dev"),
                "DJL " + p.getProperty("djl", "?") + ", PyTorch " + p.getProperty("pytorch", "?")
                        + ", Java " + System.getProperty("java.version"),
            };
        }
    }

    static Properties versionProperties() {
        Properties p = new Properties();
        try (InputStream in = GraftCli.class.getResourceAsStream("/graft-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException ignored) {
            // no version file: fall back to "dev"
        }
        return p;
    }
}
