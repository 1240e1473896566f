package dev.graft.hub.server.index;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The index contract on a real PostgreSQL server started for this test class. */
class PostgresIndexTest extends IndexDbContract {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = PostgresCluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String freshDatabase(Path dir) throws Exception {
        return cluster.freshDatabase();
    }
}
