package dev.graft.cli.peft;

import dev.graft.cli.OverwriteOption;
import dev.graft.cli.PrintingVerb;
import dev.graft.peft.LoraModels;
import dev.graft.zoo.GraftModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft peft unmerge MERGED --adapter ADAPTER --out DIR}: recovers the base, W - scale·B·A. */
@Command(name = "unmerge", description = "Take a LoRA adapter back out of a merged model: W - scale*B*A on every adapted layer"
        + " (modules the adapter trained whole, such as the classifier, keep the merged values).")
public final class PeftUnmergeCommand extends PrintingVerb {
    @Parameters(index = "0", paramLabel = "MERGED", description = "Folder of the merged model (graft peft merge, or a lora run's model/).")
    Path merged;

    @Option(names = "--adapter", required = true, paramLabel = "ADAPTER", description = "The adapter that was merged into it.")
    Path adapter;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the recovered base.")
    Path out;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        Path dir = overwrite.claim(out, null);
        GraftModel m = LoraModels.unmerge(merged, adapter, dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("merged", merged.toString());
        json.put("adapter", adapter.toString());
        json.put("out", dir.toString());
        printResult(json, "took " + adapter + " out of " + merged + ": " + dir + " (" + m.name() + ")");
        return 0;
    }
}
