// The official Hugging Face JS client (@huggingface/hub, unchanged) against `graft hub serve`:
// create a repository, upload a small file and a >= 20 MB file (LFS path), list, read metadata,
// download both and compare sha256, delete. Exits non-zero on the first failure.
// Environment: HUB_URL (server base URL), HUB_TOKEN (write token of user HUB_USER).
import { createHash, randomBytes } from "node:crypto";
import {
  createRepo, deleteRepo, downloadFile, fileDownloadInfo, listFiles, listModels, modelInfo, uploadFiles, whoAmI,
} from "@huggingface/hub";

const hubUrl = process.env.HUB_URL;
const accessToken = process.env.HUB_TOKEN;
const user = process.env.HUB_USER;
if (!hubUrl || !accessToken || !user) {
  console.error("set HUB_URL, HUB_TOKEN and HUB_USER");
  process.exit(2);
}
const repo = { type: "model", name: `${user}/js-client-check` };
const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");
let step = "start";
function check(cond, what) {
  if (!cond) {
    throw new Error(`${step}: ${what}`);
  }
}

try {
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

  step = "deleteRepo";
  await deleteRepo({ repo, accessToken, hubUrl });
  let gone = false;
  try {
    await modelInfo({ name: repo.name, hubUrl, accessToken });
  } catch (e) {
    gone = true;
  }
  check(gone, "the repository is still there after deleteRepo");

  console.log(`ok: @huggingface/hub created, uploaded (small + ${big.length} B LFS), listed, read, downloaded (sha256 equal) and deleted ${repo.name}`);
} catch (e) {
  console.error(`FAILED at ${step}: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
