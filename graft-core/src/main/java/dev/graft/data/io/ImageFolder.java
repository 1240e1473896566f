package dev.graft.data.io;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Images in one folder per class, as torchvision's {@code ImageFolder}: {@code root/<class>/*.png}
 * (also jpg, jpeg, bmp, gif). Class names are the folder names, sorted. A root holding
 * {@code train/} and {@code test/} is read as those two splits.
 *
 * <pre>{@code
 * ImageFolder.Loaded d = ImageFolder.load(Path.of("photos"), new int[] {64, 64});
 * ImageData train = d.train();          // d.test() is null without a test/ folder
 * }</pre>
 */
public final class ImageFolder {
    /** File name endings read as images. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageFolder() {}

    /**
     * What a folder held.
     *
     * @param train the images of {@code root} (or {@code root/train})
     * @param test the images of {@code root/test}, or null
     */
    public record Loaded(ImageData train, ImageData test) {}

    /**
     * Reads a folder.
     *
     * @param size {height, width} to resize every image to on load, or null to require one size
     */
    public static Loaded load(Path root, int[] size) {
        if (!Files.isDirectory(root)) {
            throw new GraftException("image folder " + root + " does not exist or is not a folder", "check the path");
        }
        String name = root.toAbsolutePath().normalize().getFileName() == null ? "images" : root.toAbsolutePath().normalize().getFileName().toString();
        Path trainDir = root.resolve("train");
        Path testDir = root.resolve("test");
        if (Files.isDirectory(trainDir) && Files.isDirectory(testDir)) {
            List<String> classes = classFolders(trainDir);
            List<String> testClasses = classFolders(testDir);
            if (!classes.containsAll(testClasses)) {
                List<String> extra = new ArrayList<>(testClasses);
                extra.removeAll(classes);
                throw new GraftException("image folder " + testDir + " has classes " + extra + " that " + trainDir + " lacks",
                        "give train/ a folder for every class in test/");
            }
            return new Loaded(readSplit(name + "/train", trainDir, classes, size), readSplit(name + "/test", testDir, classes, size));
        }
        return new Loaded(readSplit(name, root, classFolders(root), size), null);
    }

    /**
     * Reads one split folder {@code dir/<class>/*} whose classes are {@code classes} (a class missing
     * from {@code dir} is allowed), as the split of a larger data set.
     */
    public static ImageData readSplit(String name, Path dir, List<String> classes, int[] size) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path classDir = dir.resolve(classes.get(c));
            if (!Files.isDirectory(classDir)) {
                continue; // a test split may lack some classes
            }
            List<Path> images = imagesIn(classDir);
            if (images.isEmpty()) {
                throw new GraftException("class folder " + classDir + " holds no images",
                        "add ." + String.join("/.", EXTENSIONS.stream().sorted().toList()) + " files or remove the folder");
            }
            for (Path p : images) {
                files.add(p);
                labels.add(c);
            }
        }
        int[] lb = labels.stream().mapToInt(Integer::intValue).toArray();
        return ImageStack.read(name, files, lb, classes, size, "folder:DIR?size=HxW");
    }

    /** The class folders of {@code dir}, sorted; none is an error. */
    public static List<String> classFolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> classes = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
            if (classes.isEmpty()) {
                throw new GraftException("image folder " + dir + " has no class folders",
                        "put the images in one folder per class: " + dir + "/<class>/*.png");
            }
            return classes;
        } catch (IOException e) {
            throw new GraftException("cannot list " + dir + ": " + e.getMessage(), "check the path and permissions");
        }
    }

    /**
     * The image files that command-line arguments name: a file as it is, a folder as the image files
     * directly in it (sorted). A file without an image extension, inside a folder or given itself, or
     * a folder without images, is an error that names it.
     */
    public static List<Path> imageFiles(List<Path> filesOrFolders) {
        List<Path> out = new ArrayList<>();
        String kinds = "." + String.join("/.", EXTENSIONS.stream().sorted().toList());
        for (Path p : filesOrFolders) {
            List<Path> files;
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    files = s.filter(f -> !f.getFileName().toString().startsWith(".") && !Files.isDirectory(f)).sorted().toList();
                } catch (IOException e) {
                    throw new GraftException("cannot list " + p + ": " + e.getMessage(), "check the path and permissions");
                }
                if (files.isEmpty()) {
                    throw new GraftException("folder " + p + " holds no images", "put " + kinds + " files in it");
                }
            } else if (Files.isRegularFile(p)) {
                files = List.of(p);
            } else {
                throw new GraftException("image " + p + " is missing", "check the path");
            }
            for (Path f : files) {
                String n = f.getFileName().toString();
                int dot = n.lastIndexOf('.');
                if (dot <= 0 || !EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT))) {
                    throw new GraftException(f + " is not an image", "give only " + kinds + " files (move other files out of " + p + ")");
                }
                out.add(f);
            }
        }
        return out;
    }

    /** The images {@link #imageFiles} lists, each resized to {@code size} ({height, width}), as one unlabelled set. */
    public static ImageData readFiles(String name, List<Path> files, int[] size) {
        return ImageStack.read(name, files, new int[files.size()], List.of("?"), size, "a size");
    }

    /** The image files directly in {@code dir}, sorted. */
    public static List<Path> imagesIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String f = p.getFileName().toString();
                int dot = f.lastIndexOf('.');
                return !f.startsWith(".") && dot > 0 && EXTENSIONS.contains(f.substring(dot + 1).toLowerCase(Locale.ROOT));
            }).sorted().toList();
        } catch (IOException e) {
            throw new GraftException("cannot list " + dir + ": " + e.getMessage(), "check the path and permissions");
        }
    }
}
