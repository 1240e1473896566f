package dev.graft.hub;

import java.nio.file.Path;

/** Entry point of the second process in {@link CrossProcessLockTest}: downloads one file and prints its path. */
public final class DownloadMain {
    private DownloadMain() {}

    public static void main(String[] args) {
        Hub hub = new Hub(new HubConfig(args[0], null, false, Path.of(args[1])));
        System.out.println(hub.download(args[2], args[3], "main"));
    }
}
