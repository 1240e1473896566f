package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in README.md and docs/*.md is cut from an example that compiles: a {@code ```java}
 * block must follow a {@code <!-- example: Class#region -->} line and equal that region of the
 * examples (between {@code // example:begin region} and {@code // example:end region}), common
 * indentation aside. A stale snippet, an unmarked one or a marker naming no region fails the build.
 * The same holds for a Javadoc {@code <pre>} example in the main sources that follows a
 * {@code <!-- example: Class#region -->} line (unmarked Javadoc examples are left alone).
 */
class ExamplesDocSnippetsTest {
    static final Pattern BEGIN = Pattern.compile("^\\s*// example:begin (\\S+)\\s*$");
    static final Pattern END = Pattern.compile("^\\s*// example:end (\\S+)\\s*$");
    static final Pattern MARKER = Pattern.compile("^\\s*<!-- example: (\\S+) -->\\s*$");

    /** The repository root: the first folder upwards holding README.md and docs/. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("docs"))
                    && Files.isDirectory(p.resolve("graft-examples"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    /** Regions of one source file, keyed {@code Class#region}; problems (unbalanced markers) go to {@code problems}. */
    static Map<String, List<String>> regions(String className, List<String> lines, List<String> problems) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Deque<String> open = new ArrayDeque<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher b = BEGIN.matcher(line);
            Matcher e = END.matcher(line);
            if (b.matches()) {
                String key = className + "#" + b.group(1);
                if (out.containsKey(key)) {
                    problems.add(className + ".java:" + (i + 1) + ": region " + key + " defined twice");
                }
                out.put(key, new ArrayList<>());
                open.push(key);
            } else if (e.matches()) {
                String key = className + "#" + e.group(1);
                if (!key.equals(open.peek())) {
                    problems.add(className + ".java:" + (i + 1) + ": example:end " + e.group(1) + " does not close "
                            + (open.isEmpty() ? "an open region" : open.peek()));
                } else {
                    open.pop();
                }
            } else {
                for (String key : open) {
                    out.get(key).add(line);
                }
            }
        }
        for (String key : open) {
            problems.add(className + ".java: region " + key + " has no example:end");
        }
        return out;
    }

    /** Right-trimmed lines without leading and trailing blank lines and without their common indentation. */
    static List<String> normalize(List<String> lines) {
        List<String> l = new ArrayList<>();
        for (String s : lines) {
            l.add(s.stripTrailing());
        }
        while (!l.isEmpty() && l.get(0).isEmpty()) {
            l.remove(0);
        }
        while (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
            l.remove(l.size() - 1);
        }
        int indent = Integer.MAX_VALUE;
        for (String s : l) {
            if (!s.isEmpty()) {
                indent = Math.min(indent, s.length() - s.stripLeading().length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : l) {
            out.add(s.isEmpty() ? s : s.substring(indent));
        }
        return out;
    }

    /** Problems with the Java blocks of one Markdown file against the regions. */
    static List<String> check(String file, List<String> md, Map<String, List<String>> regions) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < md.size(); i++) {
            Matcher m = MARKER.matcher(md.get(i));
            boolean isJava = md.get(i).strip().startsWith("```java");
            if (m.matches() && (i + 1 >= md.size() || !md.get(i + 1).strip().startsWith("```java"))) {
                problems.add(file + ":" + (i + 1) + ": marker " + m.group(1) + " is not followed by a ```java block");
            }
            if (!isJava) {
                continue;
            }
            int start = i + 1;
            int end = start;
            while (end < md.size() && !md.get(end).strip().equals("```")) {
                end++;
            }
            Matcher marker = i > 0 ? MARKER.matcher(md.get(i - 1)) : null;
            if (marker == null || !marker.matches()) {
                problems.add(file + ":" + (i + 1) + ": ```java block without a <!-- example: Class#region --> line before it");
            } else if (!regions.containsKey(marker.group(1))) {
                problems.add(file + ":" + i + ": marker names " + marker.group(1) + ", which no example defines");
            } else {
                List<String> want = normalize(regions.get(marker.group(1)));
                List<String> got = normalize(md.subList(start, Math.min(end, md.size())));
                if (!want.equals(got)) {
                    int k = 0;
                    while (k < want.size() && k < got.size() && want.get(k).equals(got.get(k))) {
                        k++;
                    }
                    problems.add(file + ":" + (start + 1) + ": the block differs from " + marker.group(1) + " at its line " + (k + 1)
                            + "\n    example: " + (k < want.size() ? want.get(k) : "(ends)")
                            + "\n    doc:     " + (k < got.size() ? got.get(k) : "(ends)"));
                }
            }
            i = end;
        }
        return problems;
    }

    static final Pattern JAVADOC_MARKER = Pattern.compile("^\\s*\\* <!-- example: (\\S+) -->\\s*$");

    /** Problems with the marked Javadoc examples of one source file: each must equal its region. */
    static List<String> checkJavadoc(String file, List<String> src, Map<String, List<String>> regions) {
        List<String> md = new ArrayList<>();
        for (String line : src) {
            // a Javadoc line without its "* " is a Markdown line to check() (marker, fences, code)
            String text = line.strip().startsWith("*") ? line.strip().substring(1) : "";
            text = text.startsWith(" ") ? text.substring(1) : text;
            Matcher m = JAVADOC_MARKER.matcher(line);
            md.add(m.matches() ? "<!-- example: " + m.group(1) + " -->"
                    : text.strip().equals("<pre>{@code") ? "```java" : text.strip().equals("}</pre>") ? "```" : text);
        }
        List<String> problems = new ArrayList<>();
        for (String p : check(file, md, regions)) {
            if (!p.contains("without a <!-- example")) {
                problems.add(p);
            }
        }
        return problems;
    }

    static Map<String, List<String>> exampleRegions(Path root, List<String> problems) throws IOException {
        Map<String, List<String>> all = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(root.resolve("graft-examples/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String cls = f.getFileName().toString().replace(".java", "");
                regions(cls, Files.readAllLines(f), problems).forEach((k, v) -> {
                    if (all.putIfAbsent(k, v) != null) {
                        problems.add(k + " defined in two files");
                    }
                });
            }
        }
        return all;
    }

    @Test
    void everyJavaSnippetInTheDocsIsARegionOfAnExample() throws IOException {
        Path root = root();
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> regions = exampleRegions(root, problems);
        List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            docs.addAll(s.filter(p -> p.toString().endsWith(".md")).sorted().toList());
        }
        int blocks = 0;
        for (Path doc : docs) {
            List<String> md = Files.readAllLines(doc);
            blocks += (int) md.stream().filter(l -> l.strip().startsWith("```java")).count();
            problems.addAll(check(root.relativize(doc).toString(), md, regions));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(blocks >= 3, "the README and docs have Java snippets: " + blocks);
    }

    @Test
    void everyMarkedJavadocExampleIsARegionOfAnExample() throws IOException {
        Path root = root();
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> regions = exampleRegions(root, problems);
        int marked = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && !p.toString().contains("/graft-examples/")).sorted().toList()) {
                List<String> src = Files.readAllLines(f);
                marked += (int) src.stream().filter(l -> JAVADOC_MARKER.matcher(l).matches()).count();
                problems.addAll(checkJavadoc(root.relativize(f).toString(), src, regions));
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(marked >= 10, "the main entry points carry compiled examples: " + marked);
    }

    @Test
    void aStaleJavadocExampleFails() {
        List<String> ok = checkJavadoc("A.java", List.of("/**", " * <!-- example: Sample#inner -->", " * <pre>{@code", " * int x = 1;",
                " * }</pre>", " */"), SAMPLE);
        assertEquals(List.of(), ok);
        List<String> stale = checkJavadoc("A.java", List.of("/**", " * <!-- example: Sample#inner -->", " * <pre>{@code", " * int x = 2;",
                " * }</pre>", " */"), SAMPLE);
        assertEquals(1, stale.size(), stale.toString());
        assertEquals(List.of(), checkJavadoc("A.java", List.of(" * <pre>{@code", " * anything();", " * }</pre>"), SAMPLE));
    }

    // The checker itself, on made-up files: it must catch what it is there to catch.

    static final Map<String, List<String>> SAMPLE = regions("Sample", List.of(
            "class Sample {",
            "    void f() {",
            "        // example:begin hello",
            "        System.out.println(\"hello\");   // why",
            "        // example:begin inner",
            "        int x = 1;",
            "        // example:end inner",
            "        // example:end hello",
            "    }",
            "}"), new ArrayList<>());

    @Test
    void aMatchingBlockPassesWhateverItsIndentation() {
        assertEquals(List.of(), check("a.md", List.of("<!-- example: Sample#hello -->", "```java",
                "  System.out.println(\"hello\");   // why", "  int x = 1;", "```"), SAMPLE));
        assertEquals(List.of(), check("a.md", List.of("<!-- example: Sample#inner -->", "```java", "int x = 1;", "```"), SAMPLE));
        assertEquals(List.of(), check("a.md", List.of("```bash", "echo not java", "```"), SAMPLE));
    }

    @Test
    void aStaleBlockAnUnmarkedBlockAndAMissingRegionFail() {
        List<String> stale = check("a.md", List.of("<!-- example: Sample#hello -->", "```java", "System.out.println(\"bye\");", "```"), SAMPLE);
        assertEquals(1, stale.size());
        assertTrue(stale.get(0).contains("differs from Sample#hello"), stale.get(0));
        List<String> unmarked = check("a.md", List.of("Text.", "```java", "int x = 1;", "```"), SAMPLE);
        assertTrue(unmarked.size() == 1 && unmarked.get(0).contains("without a"), unmarked.toString());
        List<String> missing = check("a.md", List.of("<!-- example: Sample#gone -->", "```java", "int x = 1;", "```"), SAMPLE);
        assertTrue(missing.size() == 1 && missing.get(0).contains("which no example defines"), missing.toString());
        List<String> dangling = check("a.md", List.of("<!-- example: Sample#hello -->", "", "```java", "int x = 1;", "```"), SAMPLE);
        assertEquals(2, dangling.size(), dangling.toString());
    }

    @Test
    void unbalancedRegionMarkersAreReported() {
        List<String> problems = new ArrayList<>();
        regions("Bad", List.of("// example:begin a", "x();", "// example:end b"), problems);
        assertEquals(2, problems.size(), problems.toString());
    }
}
