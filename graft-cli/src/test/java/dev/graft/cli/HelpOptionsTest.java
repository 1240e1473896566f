package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Every verb and sub-verb answers {@code --help} and {@code -h} with its usage on standard output and
 * exit code 0, even when it has required options or parameters. The tree is walked from the root, so a
 * verb added later is checked without touching this test.
 */
class HelpOptionsTest {

    /** The command path (names from the root, e.g. ["hub", "serve"]) of every command below the root. */
    private static List<List<String>> allCommandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(GraftCli.commandLine(), new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> paths) {
        // Keys include aliases; the spec's own name is the canonical one, so each command is visited once.
        cl.getSubcommands().forEach((key, sub) -> {
            if (!key.equals(sub.getCommandName())) {
                return;
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(key);
            paths.add(path);
            collect(sub, path, paths);
        });
    }

    @Test
    void treeIsWalkedToTheLeaves() {
        List<List<String>> paths = allCommandPaths();
        // Guards the walker itself: it must reach second-level verbs, not only the first level.
        assertTrue(paths.contains(List.of("models", "list")), "walk missed 'models list': " + paths);
        assertTrue(paths.contains(List.of("hub", "serve")), "walk missed 'hub serve': " + paths);
        assertTrue(paths.stream().anyMatch(p -> p.size() == 1 && p.get(0).equals("finetune")));
    }

    @TestFactory
    Stream<DynamicTest> everyCommandAnswersHelp() {
        List<List<String>> paths = new ArrayList<>(allCommandPaths());
        paths.add(0, List.of()); // the root itself
        return paths.stream().flatMap(path -> Stream.of("--help", "-h").map(flag -> {
            String shown = ("graft " + String.join(" ", path) + " " + flag).replace("  ", " ");
            return DynamicTest.dynamicTest(shown, () -> assertHelp(path, flag));
        }));
    }

    private static void assertHelp(List<String> path, String flag) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        CliRun r = CliRun.run(args.toArray(String[]::new));
        int code = r.code;
        String text = r.out;
        String err = r.err;
        String name = path.isEmpty() ? "graft" : path.get(path.size() - 1);
        String usageLine = "Usage: graft" + (path.isEmpty() ? "" : " " + String.join(" ", path));
        assertEquals(0, code, args + " exit code; stderr:\n" + err);
        assertTrue(text.contains("Usage"), args + " printed no usage on stdout:\n" + text + "\nstderr:\n" + err);
        assertTrue(text.contains(name), args + " usage lacks the command's name '" + name + "':\n" + text);
        // The built-in 'help' verb prints its own description first; every other usage starts its
        // synopsis with the full command path.
        assertTrue(text.contains(usageLine), args + " usage lacks '" + usageLine + "':\n" + text);
        assertTrue(err.isEmpty(), args + " wrote to stderr:\n" + err);
    }

    @Test
    void rootHelpListsEveryVerb() {
        CliRun help = CliRun.run("--help");
        String out = help.out;
        assertEquals(0, help.code);
        for (String verb : GraftCli.commandLine().getSubcommands().keySet()) {
            assertTrue(out.contains("  " + verb + " ") || out.contains("  " + verb + "\n"),
                    "graft --help lacks " + verb + ":\n" + out);
        }
    }

    @Test
    void helpVerbStillShowsAVerbsUsage() {
        for (List<String> args : List.of(List.of("help", "finetune"), List.of("models", "help", "list"))) {
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertEquals(0, r.code, args.toString());
            String expected = args.get(0).equals("help") ? "Usage: graft finetune" : "Usage: graft models list";
            assertTrue(r.out.contains(expected), args + ":\n" + r.out);
        }
    }
}
