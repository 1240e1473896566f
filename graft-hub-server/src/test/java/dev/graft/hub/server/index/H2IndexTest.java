package dev.graft.hub.server.index;

import java.nio.file.Path;

/** The index contract on the embedded H2 database (the default). */
class H2IndexTest extends IndexDbContract {
    @Override
    String freshDatabase(Path dir) {
        return IndexDb.h2Url(dir.resolve("index"));
    }
}
