/**
 * Preview-time behaviour: @pulumi/policy hands policies a proxy that throws on computed values.
 * Rules must neither crash nor guess; they judge what is known and wait for the rest.
 */
import { expect } from "chai";
import { unknownCheckingProxy } from "@pulumi/policy";
import { MARKERS } from "../../contract";
import { curatedColumnarFormat } from "../../policies/lake-data-layout/curated-columnar-format";
import { partitionProjectionConsistency } from "../../policies/lake-data-layout/partition-projection-consistency";
import { curatedTablePartitioning } from "../../policies/lake-data-layout/curated-table-partitioning";
import { s3PublicAccessBlock } from "../../policies/lake-security/s3-public-access-block";
import { s3TlsOnly } from "../../policies/lake-security/s3-tls-only";
import { s3BucketKmsEncryption } from "../../policies/lake-security/s3-bucket-kms-encryption";
import { PARQUET } from "../../policies/lib/formats";
import { T } from "../../policies/lib/types";
import { res, runResource, runStack } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue, unknownObjectValue, unknownArrayValue } = require("@pulumi/policy/proxy") as Record<string, unknown>;

const preview = (props: Record<string, unknown>) => unknownCheckingProxy(props) as Record<string, unknown>;

describe("policies at preview time (computed values)", () => {
    it("a new bucket with unknown name is matched to its configs through propertyDependencies", async () => {
        const bucket = res(T.bucket, "gold", preview({ bucket: unknownStringValue, arn: unknownStringValue }));
        const refs = { refs: { bucket: [bucket] } };
        const sse = res(T.bucketSse, "gold-sse", preview({ bucket: unknownStringValue, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: unknownStringValue } }] }), refs);
        const pab = res(T.bucketPublicAccessBlock, "gold-pab", preview({ bucket: unknownStringValue, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }), refs);
        const policy = res(T.bucketPolicy, "gold-policy", preview({ bucket: unknownStringValue, policy: unknownStringValue }), refs);
        const stack = [bucket, sse, pab, policy];
        expect(await runStack(s3BucketKmsEncryption, stack)).to.deep.equal([]);
        expect(await runStack(s3PublicAccessBlock, stack)).to.deep.equal([]);
        expect(await runStack(s3TlsOnly, stack)).to.deep.equal([]);
        expect(await runStack(s3TlsOnly, stack, { allowUnknownPolicy: false })).to.have.length(1);
    });

    it("falls back to the single bucket among dependencies when propertyDependencies are absent", async () => {
        const bucket = res(T.bucket, "gold", preview({ bucket: unknownStringValue }));
        const pab = res(T.bucketPublicAccessBlock, "gold-pab", preview({ bucket: unknownStringValue, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }));
        pab.dependencies = [bucket];
        expect(await runStack(s3PublicAccessBlock, [bucket, pab])).to.deep.equal([]);
    });

    it("an object policy document with computed ARNs is judged later, not crashed on", async () => {
        const bucket = res(T.bucket, "gold", preview({ bucket: unknownStringValue }));
        const doc = { Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: unknownArrayValue, Condition: { Bool: { "aws:SecureTransport": "false" } } }] };
        const policy = res(T.bucketPolicy, "p", preview({ bucket: unknownStringValue, policy: doc }), { refs: { bucket: [bucket] } });
        expect(await runStack(s3TlsOnly, [bucket, policy])).to.deep.equal([]);
    });

    it("a gold table whose storage descriptor is computed waits; known classes are still judged", async () => {
        const base = { name: "t", databaseName: "sales_gold", parameters: { [MARKERS.layer]: "gold" }, partitionKeys: [{ name: "dt", type: "string" }] };
        const computed = res(T.glueCatalogTable, "t", preview({ ...base, storageDescriptor: unknownObjectValue }));
        expect(await runStack(curatedColumnarFormat, [computed])).to.deep.equal([]);
        const csvWithComputedLocation = res(T.glueCatalogTable, "t", preview({
            ...base,
            storageDescriptor: { location: unknownStringValue, inputFormat: "org.apache.hadoop.mapred.TextInputFormat", outputFormat: PARQUET.outputFormat, serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.serde2.OpenCSVSerde" } },
        }));
        expect(await runStack(curatedColumnarFormat, [csvWithComputedLocation])).to.have.length(1);
    });

    it("computed partition keys or projection template are not reported as missing", async () => {
        const t = res(T.glueCatalogTable, "t", preview({ name: "t", databaseName: "sales_gold", partitionKeys: unknownArrayValue }));
        expect(await runStack(curatedTablePartitioning, [t])).to.deep.equal([]);
        const props = preview({
            name: "t",
            partitionKeys: [{ name: "dt", type: "string" }],
            parameters: { "projection.enabled": "true", "projection.dt.type": "injected", "storage.location.template": unknownStringValue },
        });
        expect(await runResource(partitionProjectionConsistency, T.glueCatalogTable, props)).to.deep.equal([]);
    });
});
