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

/** {@code graft peft merge ADAPTER --out DIR}: the adapter's base with W + scale·B·A, as a plain model folder. */
@Command(name = "merge", description = "Merge a LoRA adapter into the base model it names (base_model_name_or_path): W + scale*B*A,"
        + " written as a plain model folder in the base's own layout.")
public final class PeftMergeCommand extends PrintingVerb {
    @Parameters(index = "0", paramLabel = "ADAPTER", description = "Adapter folder (adapter_config.json, adapter_model.safetensors).")
    Path adapter;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the merged model.")
    Path out;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        Path dir = overwrite.claim(out, null);
        GraftModel m = LoraModels.merge(adapter, dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("adapter", adapter.toString());
        json.put("model", m.name());
        json.put("out", dir.toString());
        json.put("parameters", m.numParams());
        printResult(json, "merged " + adapter + " into " + m.name() + ": " + dir + " (" + String.format(java.util.Locale.ROOT, "%,d", m.numParams())
                + " parameters, none extra)");
        return 0;
    }
}
