package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GraftCliTest {
    @Test
    void helpListsEveryVerbWithOneLine() {
        CommandLine cl = GraftCli.commandLine();
        CliRun help = CliRun.run("--help");
        assertEquals(0, help.code);
        String text = help.out;
        for (String verb : cl.getSubcommands().keySet()) {
            assertTrue(text.contains("  " + verb + " "), "help lacks " + verb + ":\n" + text);
            String desc = cl.getSubcommands().get(verb).getCommandSpec().usageMessage().description().length > 0
                    ? cl.getSubcommands().get(verb).getCommandSpec().usageMessage().description()[0] : "";
            assertTrue(!desc.isBlank(), "verb " + verb + " has no description");
        }
    }

    @Test
    void unknownVerbIsAUsageError() {
        CliRun r = CliRun.run("frobnicate");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("frobnicate"));
    }

    @Test
    void systemCommandStartsTheEngineOffline() {
        assertEquals(0, CliRun.run("system").code);
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }
}
