/**
 * Synthetic lake programs for the benchmark: per dataset a bucket with its encryption, public access
 * block and versioning resources, a Glue table and a Lake Formation grant (6 resources), plus a shared
 * KMS key and Glue database. Generated into a temp dir at run time, never committed.
 */
import * as fs from "fs";
import * as path from "path";

export const RESOURCES_PER_DATASET = 6;

export function generateProgram(dir: string, resources: number): { datasets: number; expected: number } {
    const datasets = Math.max(1, Math.round((resources - 3) / RESOURCES_PER_DATASET));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bench-lake\nruntime: nodejs\ndescription: Synthetic lake with ${datasets} datasets.\n`);
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n  bench-lake:datasets: \"" + datasets + "\"\n");
    fs.writeFileSync(
        path.join(dir, "index.ts"),
        `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const datasets = new pulumi.Config().requireNumber("datasets");
const layers = ["bronze", "silver", "gold"];
const key = new aws.kms.Key("lake", { description: "lake data key", enableKeyRotation: true });
const db = new aws.glue.CatalogDatabase("lake", { name: "lake" });

for (let i = 0; i < datasets; i++) {
    const layer = layers[i % 3];
    const name = \`ds\${i}\`;
    const bucket = new aws.s3.Bucket(name, { tags: { "lake:layer": layer, "lake:dataset": name } });
    new aws.s3.BucketServerSideEncryptionConfiguration(\`\${name}-sse\`, {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    });
    new aws.s3.BucketPublicAccessBlock(\`\${name}-pab\`, {
        bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new aws.s3.BucketVersioning(\`\${name}-versioning\`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    const table = new aws.glue.CatalogTable(name, {
        databaseName: db.name,
        name,
        tableType: "EXTERNAL_TABLE",
        parameters: { "lake:layer": layer, classification: "parquet" },
        partitionKeys: [{ name: "dt", type: "string" }],
        storageDescriptor: {
            location: pulumi.interpolate\`s3://\${bucket.bucket}/\${name}/\`,
            inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
            columns: [{ name: "id", type: "string" }, { name: "amount", type: "decimal(12,2)" }],
        },
    });
    new aws.lakeformation.Permissions(\`\${name}-analysts\`, {
        principal: "arn:aws:iam::123456789012:role/analysts",
        permissions: ["SELECT"],
        table: { databaseName: db.name, name: table.name },
    });
}
`,
    );
    return { datasets, expected: datasets * RESOURCES_PER_DATASET + 3 };
}
