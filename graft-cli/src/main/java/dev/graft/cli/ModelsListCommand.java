package dev.graft.cli;

import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.zoo.Zoo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft models list}: timm's list_models on the command line. */
@Command(name = "list", description = "List architectures (or, with --pretrained, arch.tag weights) matching wildcard patterns.")
public final class ModelsListCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATTERN", arity = "0..*", description = "fnmatch patterns, e.g. 'resnet*' (quote them); none = all.")
    List<String> patterns = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "P", description = "Leave out names matching P (repeatable).")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--pretrained", description = "Only names with weights, as arch.tag.")
    boolean pretrained;

    @Override
    public Integer call() throws Exception {
        List<String> names = Zoo.list(patterns, excludes, pretrained);
        if (Output.json()) {
            System.out.println(Json.MAPPER.writeValueAsString(names));
        } else {
            names.forEach(System.out::println);
        }
        return 0;
    }
}
