// The official Hugging Face JS client (@huggingface/hub, unchanged) against `graft hub serve`:
// create a repository, upload a small file and a >= 20 MB file (LFS path), list, read metadata,
// download both and compare sha256, delete. Exits non-zero on the first failure.
// Also checks that the clients share a cache layout: files Graft cached are found by the JS client.
// Phases (argv[2]): "main" (all but the delete; writes HUB_STATE), "cached" (reads HUB_CACHE_DIR
// written by Graft, without network), "delete".
// Environment: HUB_URL (server base URL), HUB_TOKEN (write token of user HUB_USER), HUB_STATE (a JSON
// file passed between phases), HUB_CACHE_DIR (cache folder for the cache phases).
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import {
  createRepo, deleteRepo, downloadFile, downloadFileToCacheDir, fileDownloadInfo, listFiles, listModels, modelInfo,
  uploadFiles, whoAmI,
} from "@huggingface/hub";

const hubUrl = process.env.HUB_URL;
const accessToken = process.env.HUB_TOKEN;
const user = process.env.HUB_USER;
if (!hubUrl || !accessToken || !user) {
  console.error("set HUB_URL, HUB_TOKEN and HUB_USER");
  process.exit(2);
}
const phase = process.argv[2] ?? "main";
const statePath = process.env.HUB_STATE;
const cacheDir = process.env.HUB_CACHE_DIR;
const repo = { type: "model", name: `${user}/js-client-check` };
const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");
let step = "start";
function check(cond, what) {
  if (!cond) {
    throw new Error(`${step}: ${what}`);
  }
}

try {
  if (phase === "main") {
    step = "whoAmI";
    const me = await whoAmI({ accessToken, hubUrl });
    check(me.name === user, `expected user ${user}, got ${JSON.stringify(me)}`);

    step = "createRepo";
    await createRepo({ repo, accessToken, hubUrl, license: "mit" });

    step = "uploadFiles";
    const small = Buffer.from("---\nlicense: mit\ntags: [js-client]\n---\n# Uploaded by @huggingface/hub\n", "utf8");
    const big = randomBytes(21 * 1024 * 1024); // over 20 MB: must take the LFS path
    const commit = await uploadFiles({
      repo, accessToken, hubUrl,
      files: [
        { path: "README.md", content: new Blob([small]) },
        { path: "weights/big.bin", content: new Blob([big]) },
      ],
      commitTitle: "Upload from the official JS client",
    });
    check(commit && commit.commit && /^[0-9a-f]{40}$/.test(commit.commit.oid), `commit answer ${JSON.stringify(commit)}`);

    step = "listModels";
    const listed = [];
    for await (const m of listModels({ search: { owner: user }, hubUrl, accessToken })) {
      listed.push(m.name);
    }
    check(listed.includes(repo.name), `listing lacks ${repo.name}: ${JSON.stringify(listed)}`);

    step = "modelInfo";
    const info = await modelInfo({ name: repo.name, hubUrl, accessToken, additionalFields: ["sha", "cardData"] });
    check(info.name === repo.name, `info name ${info.name}`);
    check(info.sha === commit.commit.oid, `info sha ${info.sha} != commit ${commit.commit.oid}`);

    step = "listFiles";
    const files = [];
    for await (const f of listFiles({ repo, hubUrl, accessToken, recursive: true })) {
      files.push(f);
    }
    const bigEntry = files.find((f) => f.path === "weights/big.bin");
    check(bigEntry, `listFiles lacks weights/big.bin: ${JSON.stringify(files.map((f) => f.path))}`);
    check(bigEntry.size === big.length, `big.bin size ${bigEntry.size}`);
    check(bigEntry.lfs && bigEntry.lfs.oid === sha256(big), `big.bin is not stored as LFS with its sha256: ${JSON.stringify(bigEntry.lfs)}`);

    step = "fileDownloadInfo";
    const dl = await fileDownloadInfo({ repo, path: "weights/big.bin", hubUrl, accessToken });
    check(dl && dl.size === big.length, `download info ${JSON.stringify(dl)}`);

    step = "downloadFile small";
    const smallBack = Buffer.from(await (await downloadFile({ repo, path: "README.md", hubUrl, accessToken })).arrayBuffer());
    check(sha256(smallBack) === sha256(small), "README.md differs after the round trip");

    step = "downloadFile big";
    const bigBack = Buffer.from(await (await downloadFile({ repo, path: "weights/big.bin", hubUrl, accessToken })).arrayBuffer());
    check(bigBack.length === big.length, `big.bin came back with ${bigBack.length} bytes`);
    check(sha256(bigBack) === sha256(big), "big.bin differs after the round trip");

    step = "downloadFileToCacheDir";
    const cached = {};
    for (const path of ["README.md", "weights/big.bin"]) {
      const local = await downloadFileToCacheDir({ repo, path, hubUrl, accessToken, cacheDir });
      // The client files the copy under the commit that paths-info (expand=true) names as the file's
      // lastCommit, as with the Hugging Face Hub; both files came in one commit.
      check(local.includes(`/snapshots/${commit.commit.oid}/`), `${path} was cached at ${local}, not under snapshots/${commit.commit.oid}`);
      cached[path] = sha256(readFileSync(local));
    }
    check(cached["README.md"] === sha256(small) && cached["weights/big.bin"] === sha256(big), "cache copies differ");

    writeFileSync(statePath, JSON.stringify({
      commit: commit.commit.oid,
      sha256: { "README.md": sha256(small), "weights/big.bin": sha256(big) },
    }));
    console.log(`ok: @huggingface/hub created, uploaded (small + ${big.length} B LFS), listed, read, downloaded (sha256 equal), cached ${repo.name}`);
  } else if (phase === "cached") {
    step = "read the cache Graft wrote";
    const state = JSON.parse(readFileSync(statePath, "utf8"));
    for (const [path, want] of Object.entries(state.sha256)) {
      // A commit sha and a present snapshot entry: the JS client answers from the cache, no request
      // (hubUrl points at a closed port to prove it).
      const local = await downloadFileToCacheDir({ repo, path, revision: state.commit, hubUrl: "http://127.0.0.1:9", cacheDir });
      check(sha256(readFileSync(local)) === want, `${path} in Graft's cache differs`);
    }
    console.log("ok: @huggingface/hub read both files from the cache Graft wrote, offline");
  } else if (phase === "delete") {
    step = "deleteRepo";
    await deleteRepo({ repo, accessToken, hubUrl });
    let gone = false;
    try {
      await modelInfo({ name: repo.name, hubUrl, accessToken });
    } catch (e) {
      gone = true;
    }
    check(gone, "the repository is still there after deleteRepo");

    console.log(`ok: @huggingface/hub deleted ${repo.name}`);
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
} catch (e) {
  console.error(`FAILED at ${step}: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
