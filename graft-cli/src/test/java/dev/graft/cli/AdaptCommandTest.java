package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AdaptCommandTest {
    @Test
    void unknownMethodNamesTheKnownOnesBeforeLoadingData() {
        CommandLine cl = GraftCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(1, cl.execute("adapt", "--method", "adda", "--source", "mnist", "--target", "digits-28"));
        String text = err.toString();
        assertTrue(text.contains("unknown adaptation method 'adda'"), text);
        assertTrue(text.contains("source-only, dann, cdan, cdan-e, dan, coral, adabn"), text);
    }

    @Test
    void distanceIsPartOfTheDataGroup() {
        CommandLine cl = GraftCli.commandLine();
        assertTrue(cl.getSubcommands().get("data").getSubcommands().containsKey("distance"));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("data", "distance", "mnist"), "B is required");
    }
}
