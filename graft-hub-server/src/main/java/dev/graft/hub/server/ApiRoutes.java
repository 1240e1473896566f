package dev.graft.hub.server;

import java.io.IOException;

/**
 * The Hugging Face Hub HTTP API as one route table: listing, repository info, tree, paths-info, refs,
 * commits, file resolve, repository create/delete/settings, branches and tags, preupload, NDJSON commits,
 * the Git LFS batch API and a data set's Parquet files. Each row names the handler; the handlers live in one class per resource.
 */
final class ApiRoutes {
    private static final String REPO = "/api/{type:models|datasets}/{owner}/{name}";
    private static final String PARQUET = "/api/{type:datasets}/{owner}/{name}/parquet";

    private final Routes routes;

    ApiRoutes(HubService hub, HubLimits limits) {
        RepoRoutes repos = new RepoRoutes(hub);
        FileRoutes files = new FileRoutes(hub);
        RefRoutes refs = new RefRoutes(hub);
        CommitRoutes commits = new CommitRoutes(hub, limits);
        LfsRoutes lfs = new LfsRoutes(hub, limits);
        DatasetRoutes datasets = new DatasetRoutes(hub);
        routes = new Routes()
                .on("GET", "/api/whoami-v2", (ex, who, p) -> repos.whoami(ex, who))
                .on("GET", "/api/{type:models|datasets}", (ex, who, p) -> repos.list(ex, who, p.repoType()))
                .on("POST", "/api/repos/create", (ex, who, p) -> repos.createRepo(ex, who))
                .on("DELETE|POST", "/api/repos/delete", (ex, who, p) -> repos.deleteRepo(ex, who))
                .on("PUT", "/api/repos/{type}/{owner}/{name}/settings", (ex, who, p) -> repos.settings(ex, who, p.repo()))
                .on("*", "/api/lfs/{action}/{type}/{owner}/{name}/{oid}", lfs::transfer)
                .on("*", "/api/lfs/{action}/{type}/{owner}/{name}/{oid}/{more+}", (ex, who, p) -> {
                    throw HubError.notFound(null, "no such LFS transfer URL");
                })
                // The name is checked for every route under a repository, known or not.
                .check(REPO + "/{rest*}", (ex, who, p) -> p.repo())
                .on("GET", REPO, (ex, who, p) -> repos.info(ex, who, p.repo(), "main"))
                .on("GET", REPO + "/revision/{rev+}", (ex, who, p) -> repos.info(ex, who, p.repo(), p.get("rev")))
                .on("GET", REPO + "/tree/{rev}/{path*}", (ex, who, p) -> files.tree(ex, who, p.repo(), p.get("rev"), p.get("path")))
                .on("POST", REPO + "/paths-info/{rev}", (ex, who, p) -> files.pathsInfo(ex, who, p.repo(), p.get("rev")))
                .on("GET", REPO + "/refs", (ex, who, p) -> refs.refs(ex, who, p.repo()))
                .on("GET", REPO + "/commits/{rev+}", (ex, who, p) -> refs.commits(ex, who, p.repo(), p.get("rev")))
                .on("POST", REPO + "/preupload/{rev}", (ex, who, p) -> commits.preupload(ex, who, p.repo(), p.get("rev")))
                .on("POST", REPO + "/commit/{branch}", (ex, who, p) -> commits.commit(ex, who, p.repo(), p.get("branch")))
                .on("POST|DELETE", REPO + "/branch/{branch+}", (ex, who, p) -> refs.branch(ex, who, p.repo(), p.method(), p.get("branch")))
                .on("POST|DELETE", REPO + "/tag/{rev+}", (ex, who, p) -> refs.tag(ex, who, p.repo(), p.method(), p.get("rev")))
                .on("PUT", REPO + "/settings", (ex, who, p) -> repos.settings(ex, who, p.repo()))
                .on("GET", PARQUET, (ex, who, p) -> datasets.parquet(ex, who, p.repo(), null, null))
                .on("GET", PARQUET + "/{config}", (ex, who, p) -> datasets.parquet(ex, who, p.repo(), p.get("config"), null))
                .on("GET", PARQUET + "/{config}/{split}", (ex, who, p) -> datasets.parquet(ex, who, p.repo(), p.get("config"), p.get("split")))
                .on("GET", PARQUET + "/{config}/{split}/{n}.parquet", (ex, who, p) -> datasets.parquetFile(ex, who, p.repo(), p.get("config"),
                        p.get("split"), p.get("n")))
                // Other API paths are for the web pages, never for the file routes below (no owner is named "api").
                .passOn("/api/{rest*}")
                .on("GET", "/{type:datasets}/{owner}/{name}/{kind:resolve|raw}/{rev}/{path+}", (ex, who, p) -> resolve(files, ex, who, p))
                .on("POST", "/{type:datasets}/{owner}/{name}.git/info/lfs/objects/batch", (ex, who, p) -> lfs.batch(ex, who, p.repo()))
                .passOn("/datasets/{rest*}")
                .on("GET", "/{owner}/{name}/{kind:resolve|raw}/{rev}/{path+}", (ex, who, p) -> resolve(files, ex, who, p))
                .on("POST", "/{owner}/{name}.git/info/lfs/objects/batch", (ex, who, p) -> lfs.batch(ex, who, p.repo()));
    }

    private static void resolve(FileRoutes files, Exchange ex, Principal who, Routes.PathVars p) throws IOException {
        files.resolve(ex, who, p.repo(), p.get("rev"), p.get("path"), p.get("kind").equals("raw"));
    }

    /** Handles the request if it is an API or file route; {@code false} if no route matched. */
    boolean handle(Exchange ex, Principal who) throws IOException {
        return routes.handle(ex, who);
    }
}
