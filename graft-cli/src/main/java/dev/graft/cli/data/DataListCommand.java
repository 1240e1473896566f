package dev.graft.cli.data;

import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import dev.graft.progress.Output;
import dev.graft.text.TextDatasets;
import dev.graft.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code graft data list}: the built-in image and text data sets and whether each is cached. */
@Command(name = "list", description = "List the built-in image and text data sets and whether each is already cached.")
public final class DataListCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : Datasets.names()) {
            DatasetSource s = Datasets.source(name);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("kind", "image");
            row.put("cached", s.isCached());
            row.put("description", s.description());
            rows.add(row);
        }
        // text data sets are built from libraries Graft ships with: nothing to download, always available
        for (String name : TextDatasets.names()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("kind", "text");
            row.put("cached", true);
            row.put("description", TextDatasets.source(name).description());
            rows.add(row);
        }
        if (Output.json()) {
            System.out.println(Json.MAPPER.writeValueAsString(rows));
            return 0;
        }
        int width = rows.stream().mapToInt(r -> r.get("name").toString().length()).max().orElse(4);
        for (Map<String, Object> r : rows) {
            String state = "text".equals(r.get("kind")) ? "bundled" : (Boolean) r.get("cached") ? "cached" : "-";
            System.out.printf("%-" + width + "s  %-5s  %-7s  %s%n", r.get("name"), r.get("kind"), state, r.get("description"));
        }
        Output.note("user data works wherever a name does: folder:DIR, idx:DIR, csv:FILE (see `graft data info --help`)");
        return 0;
    }
}
