package dev.graft.data.io;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Parquet files read and written through DuckDB's JDBC driver (an in-memory database per call):
 * the columns of a file, its rows, and a new file from rows, as Hugging Face's {@code datasets}
 * writes them (an image is a struct of {@code bytes} and {@code path}, a class label an int64).
 *
 * <pre>{@code
 * List<ParquetTables.Column> cols = ParquetTables.columns(Path.of("train-00000-of-00001.parquet"));
 * ParquetTables.read(file, List.of("\"image\".\"bytes\"", "\"label\""), (row, rs) -> ...);
 * }</pre>
 */
public final class ParquetTables {
    /** Rows per row group of a file holding blobs (images): {@code datasets}' {@code PARQUET_ROW_GROUP_SIZE_FOR_IMAGE_DATASETS}. */
    public static final int IMAGE_ROW_GROUP = 100;

    private ParquetTables() {}

    /**
     * A column of a Parquet file.
     *
     * @param name its name
     * @param type DuckDB's type for it, e.g. {@code BIGINT}, {@code VARCHAR}, {@code STRUCT("bytes" BLOB, path VARCHAR)}
     */
    public record Column(String name, String type) {
        /** Whether it holds Hugging Face's Image feature: a struct with a {@code bytes} blob. */
        public boolean isImage() {
            String t = type.replace("\"", "").toUpperCase(java.util.Locale.ROOT);
            return t.startsWith("STRUCT(") && t.contains("BYTES BLOB");
        }

        /** Whether it holds whole numbers. */
        public boolean isInteger() {
            return List.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT")
                    .contains(type.toUpperCase(java.util.Locale.ROOT));
        }

        /** Whether it holds text. */
        /** Whether it holds floating point numbers (a float32 or float64 {@code Value}). */
        public boolean isFloat() {
            return List.of("FLOAT", "DOUBLE", "REAL").contains(type.toUpperCase(java.util.Locale.ROOT));
        }

        public boolean isText() {
            return type.equalsIgnoreCase("VARCHAR");
        }

        @Override
        public String toString() {
            return name + " " + type;
        }
    }

    /** What {@link #read} calls for each row, numbered from 1 as the file holds them. */
    @FunctionalInterface
    public interface RowReader {
        void row(long row, ResultSet rs) throws SQLException;
    }

    /** The columns of {@code file}, in order. */
    public static List<Column> columns(Path file) {
        try (Connection c = open(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + literal(file) + ")")) {
            List<Column> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Column(rs.getString("column_name"), rs.getString("column_type")));
            }
            return out;
        } catch (SQLException e) {
            throw unreadable(file, e);
        }
    }

    /** The value of {@code key} in the file's key-value metadata (e.g. {@code huggingface}, the features {@code datasets} wrote), or null. */
    public static String metadata(Path file, String key) {
        try (Connection c = open(); PreparedStatement ps = c.prepareStatement(
                "SELECT decode(value) FROM parquet_kv_metadata(" + literal(file) + ") WHERE decode(key) = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Calls {@code reader} for every row of {@code file}, in the file's order, with the values of
     * {@code expressions} (SQL over its columns). The rows stream: DuckDB hands them over a chunk at a
     * time, so a file of any size is read with the memory of a few thousand rows.
     */
    public static void read(Path file, List<String> expressions, RowReader reader) {
        String sql = "SELECT " + String.join(", ", expressions) + ", file_row_number FROM read_parquet(" + literal(file) + ", file_row_number = true)";
        int rowColumn = expressions.size() + 1;
        try (Connection c = open(true); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                reader.row(rs.getLong(rowColumn) + 1, rs);
            }
        } catch (SQLException e) {
            throw unreadable(file, e);
        }
    }

    /** The bytes of a BLOB value, or null. */
    public static byte[] bytes(ResultSet rs, int column) throws SQLException {
        Object v = rs.getObject(column);
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof Blob b) {
            return b.getBytes(1, (int) b.length());
        }
        if (v instanceof java.nio.ByteBuffer bb) {
            byte[] out = new byte[bb.remaining()];
            bb.duplicate().get(out);
            return out;
        }
        throw new SQLException("column " + column + " holds " + v.getClass().getSimpleName() + ", not bytes");
    }

    /**
     * Writes {@code rows} as a new Parquet file (zstd compressed).
     *
     * @param columns column definitions, e.g. {@code image STRUCT(bytes BLOB, path VARCHAR)}, {@code label BIGINT}
     * @param values the SQL of one row with a {@code ?} per value, e.g. {@code {'bytes': ?::BLOB, 'path': ?}, ?}
     * @param rows the values of each row, in order
     * @param huggingface the JSON stored under the {@code huggingface} key of the file's metadata (its features), or null
     */
    public static void write(Path out, List<String> columns, String values, Iterable<Object[]> rows, String huggingface) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.deleteIfExists(out);
        } catch (java.io.IOException e) {
            throw new GraftException("cannot write " + out + ": " + e.getMessage(), "check the folder is writable");
        }
        try (Connection c = open()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (" + String.join(", ", columns) + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (" + values + ")")) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    ps.execute();
                }
            }
            String kv = huggingface == null ? "" : ", KV_METADATA {huggingface: " + literal(huggingface) + "}";
            // rows of images in row groups of IMAGE_ROW_GROUP rows, as datasets writes them, so a reader holds one small group at a time
            String groups = columns.stream().anyMatch(d -> d.toUpperCase(java.util.Locale.ROOT).contains("BLOB")) ? ", ROW_GROUP_SIZE " + IMAGE_ROW_GROUP : "";
            try (Statement st = c.createStatement()) {
                st.execute("COPY t TO " + literal(out) + " (FORMAT parquet, COMPRESSION zstd" + groups + kv + ")");
            }
        } catch (SQLException e) {
            throw new GraftException("cannot write Parquet file " + out + ": " + firstLine(e.getMessage()), "check the folder is writable");
        }
    }

    private static Connection open() throws SQLException {
        return open(false);
    }

    /** An in-memory database; {@code streaming}: result sets fetch their rows a chunk at a time instead of all at once. */
    private static Connection open(boolean streaming) throws SQLException {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (ClassNotFoundException e) {
            throw new GraftException("reading Parquet needs DuckDB's JDBC driver (org.duckdb:duckdb_jdbc), which is not on the class path",
                    "add it to the class path, or publish the data set as CSV, JSON Lines or image folders");
        }
        java.util.Properties props = new java.util.Properties();
        if (streaming) {
            props.setProperty("jdbc_stream_results", "true");
        }
        Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
        try (Statement st = c.createStatement()) {
            // results in the files' order without sorting them (DuckDB's default, relied on by read)
            st.execute("SET preserve_insertion_order = true");
            if (streaming) {
                // one scan thread: a streamed read holds one row group at a time, not one per core
                st.execute("SET threads = 1");
            }
            // local files only: no extension is fetched or loaded behind the user's back
            st.execute("SET autoinstall_known_extensions = false");
            st.execute("SET autoload_known_extensions = false");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** A SQL string literal. */
    private static String literal(Object s) {
        return "'" + s.toString().replace("'", "''") + "'";
    }

    private static GraftException unreadable(Path file, SQLException e) {
        return new GraftException("Parquet file " + file + " cannot be read: " + firstLine(e.getMessage()),
                "replace it with a complete copy (pull the data set again)");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
