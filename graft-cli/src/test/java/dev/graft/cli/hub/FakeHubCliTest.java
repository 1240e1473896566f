package dev.graft.cli.hub;

import dev.graft.cli.CliRun;
import dev.graft.cli.ClientEnv;
import dev.graft.hub.FakeHfHub;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of the CLI's hub client tests: for each test a fresh {@link FakeHfHub} and a client
 * environment of its own (GRAFT_HOME under {@link #tmp}, the fake's endpoint, the subclass's token),
 * and {@link #run} that keeps the latest CLI run in {@link #last}.
 */
abstract class FakeHubCliTest {
    @TempDir
    Path tmp;
    FakeHfHub fake;
    ClientEnv env;
    /** The latest run of the CLI. */
    CliRun last;
    private final String token;

    /** {@code token}: the client's hub token, or null for none. */
    FakeHubCliTest(String token) {
        this.token = token;
    }

    @BeforeEach
    void startFakeHub() throws Exception {
        fake = new FakeHfHub();
        env = ClientEnv.of(tmp.resolve("home"), fake.endpoint, token);
    }

    @AfterEach
    void stopFakeHub() {
        fake.close();
        env.close();
    }

    int run(String... args) {
        last = CliRun.run(args);
        return last.code;
    }
}
