package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GraftCliTest {
    @Test
    void helpListsEveryVerbWithOneLine() {
        CommandLine cl = GraftCli.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        String text = out.toString();
        for (String verb : cl.getSubcommands().keySet()) {
            assertTrue(text.contains("  " + verb + " "), "help lacks " + verb + ":\n" + text);
            String desc = cl.getSubcommands().get(verb).getCommandSpec().usageMessage().description().length > 0
                    ? cl.getSubcommands().get(verb).getCommandSpec().usageMessage().description()[0] : "";
            assertTrue(!desc.isBlank(), "verb " + verb + " has no description");
        }
    }

    @Test
    void unknownVerbIsAUsageError() {
        CommandLine cl = GraftCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("frobnicate"));
        assertTrue(err.toString().contains("frobnicate"));
    }

    @Test
    void systemCommandStartsTheEngineOffline() {
        CommandLine cl = GraftCli.commandLine();
        assertEquals(0, cl.execute("system"));
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }
}
