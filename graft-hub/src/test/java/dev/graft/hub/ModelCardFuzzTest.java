package dev.graft.hub;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.graft.GraftException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the client's reading of a README card ({@link ModelCard#parse}, {@link ModelCard#validate},
 * the tags it lists), which reads cards pulled from any hub: a card either reads or is refused with a
 * {@link GraftException}; any other throwable (and a hang) is a finding. Under plain {@code mvn test}
 * only the seed corpus in {@code ModelCardFuzzTestInputs/parse} runs; docs/security.md ("Fuzzing")
 * shows the long run.
 */
class ModelCardFuzzTest {
    // Catches hangs only; fuzzing runs turn JUnit timeouts off and Jazzer uses this per input.
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void parse(byte[] data) {
        try {
            ModelCard card = ModelCard.parse(new String(data, StandardCharsets.UTF_8));
            card.tags();
            card.strings("datasets");
            card.validate();
        } catch (GraftException refused) {
            // the one way a card may be refused
        }
    }
}
