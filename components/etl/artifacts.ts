/**
 * What the Glue jobs run, as bytes with their hashes: the two job scripts (etl/jobs/<script>.py), each gold job's
 * SQL file and the lake_etl library zip, built by etl/tools/package_lib.py (byte-for-byte reproducible, so the same
 * sources give the same hash and the same plan). Object keys carry the content hash: a changed script is a new
 * key, which changes exactly the jobs that run it.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { JobScript } from "../datasets";

/** Key prefix, in the gold bucket, of everything the ETL keeps in S3 (scripts, library, Glue's temporary files). */
export const ETL_PREFIX = "_glue";
/** Glue's temporary directory of each job (`--TempDir`) lives under this prefix; a lifecycle rule expires it. */
export const ETL_TEMP_PREFIX = `${ETL_PREFIX}/temp/`;
/** Days Glue's temporary files (merge checkpoints, shuffle spills) are kept. */
export const ETL_TEMP_EXPIRE_DAYS = 7;

/** One object to upload: its bytes and their SHA-256 (the object's `sourceHash`). */
export interface Artifact {
    asset: pulumi.asset.Asset;
    sha256: string;
}

export const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/** `<base>.<first 16 hex of the hash><ext>`: a new key whenever the content changes. */
export const hashedKey = (dir: string, base: string, ext: string, hash: string) => `${dir}/${base}.${hash.slice(0, 16)}${ext}`;

/** A text the loader read (a gold job's SQL file): uploaded from memory, so it is exactly what was validated. */
export const textArtifact = (text: string): Artifact => ({ asset: new pulumi.asset.StringAsset(text), sha256: sha256(text) });

/** A job script of the repository (`etl/jobs/<script>.py`). */
export function scriptArtifact(root: string, script: JobScript): Artifact {
    const file = path.join(root, "etl", "jobs", `${script}.py`);
    if (!fs.existsSync(file)) throw new Error(`ETL job script ${path.relative(root, file)} is missing: the jobs derived from the dataset files run it`);
    return { asset: new pulumi.asset.FileAsset(file), sha256: sha256(fs.readFileSync(file)) };
}

/**
 * lake_etl.zip, built by etl/tools/package_lib.py (plain python3, standard library only) into a file of its own,
 * then renamed to `<root>/dist/etl/lake_etl.<hash>.zip`: programs planning at the same time never read each
 * other's half-written zip, and the same sources always end in the same file.
 */
export function libraryArtifact(root: string): Artifact {
    const dir = path.join(root, "dist", "etl");
    const scratch = path.join(dir, `.lake_etl.${process.pid}.${Date.now()}.zip`);
    const tool = path.join(root, "etl", "tools", "package_lib.py");
    const run = spawnSync("python3", [tool, "--out", scratch], { encoding: "utf8" });
    if (run.error || run.status !== 0) {
        fs.rmSync(scratch, { force: true });
        throw new Error(`building the Glue jobs' library (python3 ${path.relative(root, tool)}) failed: ${run.error?.message ?? run.stderr.trim()}`);
    }
    const reported = (JSON.parse(run.stdout) as { sha256: string }).sha256;
    const actual = sha256(fs.readFileSync(scratch));
    if (reported !== actual) throw new Error(`lake_etl.zip changed while it was built (hash ${actual}, tool said ${reported})`);
    const out = path.join(dir, `lake_etl.${actual.slice(0, 16)}.zip`);
    fs.renameSync(scratch, out);
    return { asset: new pulumi.asset.FileAsset(out), sha256: actual };
}

/** The gold bucket's lifecycle rule for Glue's temporary files (a `datasetRetention` entry: `retention-glue-temp`). */
export const etlTempRetention = () => ({ dataset: "glue-temp", prefix: ETL_TEMP_PREFIX, days: ETL_TEMP_EXPIRE_DAYS });
