package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdaptCommandTest {
    @Test
    void unknownMethodNamesTheKnownOnesBeforeLoadingData() {
        CliRun r = CliRun.run("adapt", "--method", "adda", "--source", "mnist", "--target", "digits-28");
        assertEquals(1, r.code);
        String text = r.err;
        assertTrue(text.contains("unknown adaptation method 'adda'"), text);
        assertTrue(text.contains("source-only, dann, cdan, cdan-e, dan, coral, adabn"), text);
    }

    @Test
    void distanceIsPartOfTheDataGroup() {
        assertTrue(GraftCli.commandLine().getSubcommands().get("data").getSubcommands().containsKey("distance"));
        assertEquals(2, CliRun.run("data", "distance", "mnist").code, "B is required");
    }
}
