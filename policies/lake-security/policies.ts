import type { Policies } from "@pulumi/policy";
import { athenaWorkgroupEncryption } from "./athena-encryption";
import { glueCatalogEncryption, glueSecurityConfiguration } from "./glue-encryption";
import { redshiftEncryption, redshiftNotPublic } from "./redshift";
import { s3PublicAccessBlock, s3TlsOnly } from "./s3-access";
import { s3BucketKmsEncryption } from "./s3-encryption";
import { kmsKeyRotation, secretsManagerCmk } from "./secrets-kms";
import { streamEncryption } from "./streams";

export const packName = "lake-security";
export const description =
    "Security guardrails for the lake: SSE-KMS everywhere with customer-managed keys, S3 public access blocks and TLS-only policies, private Redshift, KMS rotation.";

/** Importable without starting a policy server (index.ts does that). */
export const policies: Policies = [
    s3BucketKmsEncryption,
    s3PublicAccessBlock,
    s3TlsOnly,
    athenaWorkgroupEncryption,
    glueCatalogEncryption,
    glueSecurityConfiguration,
    redshiftEncryption,
    redshiftNotPublic,
    streamEncryption,
    secretsManagerCmk,
    kmsKeyRotation,
];
