import type { Policies } from "@pulumi/policy";
import { athenaDatabaseEncryption } from "./athena-database-encryption";
import { athenaNoPrimaryWorkgroup } from "./athena-no-primary-workgroup";
import { athenaResultsIsolated } from "./athena-results-isolated";
import { athenaWorkgroupEncryption } from "./athena-workgroup-encryption";
import { glueCatalogEncryption } from "./glue-catalog-encryption";
import { glueSecurityConfiguration } from "./glue-security-configuration";
import { glueJobVersionPinned } from "./glue-job-version-pinned";
import { glueJobBookmarksOrReason } from "./glue-job-bookmarks-or-reason";
import { iamNoLakeFullAccess } from "./iam-no-lake-full-access";
import { redshiftEncryption } from "./redshift-encryption";
import { redshiftNotPublic } from "./redshift-not-public";
import { s3PublicAccessBlock } from "./s3-public-access-block";
import { s3BucketPolicyNotPublic } from "./s3-bucket-policy-not-public";
import { s3TlsOnly } from "./s3-tls-only";
import { s3BucketKmsEncryption } from "./s3-bucket-kms-encryption";
import { kmsKeyRotation } from "./kms-key-rotation";
import { secretsManagerCmk } from "./secretsmanager-cmk";
import { streamEncryption } from "./stream-encryption";
import { quicksightDataSourceSecure } from "./quicksight-data-source-secure";
import { quicksightDatasetRestricted } from "./quicksight-dataset-restricted";

export const packName = "lake-security";
export const description =
    "Security guardrails for the lake: SSE-KMS everywhere with customer-managed keys, S3 public access blocks, TLS-only and non-public bucket policies, no whole-service IAM grants, lake workgroups for saved queries, private Redshift, KMS rotation.";

/** Importable without starting a policy server (index.ts does that). */
export const policies: Policies = [
    s3BucketKmsEncryption,
    s3PublicAccessBlock,
    s3TlsOnly,
    s3BucketPolicyNotPublic,
    athenaWorkgroupEncryption,
    athenaResultsIsolated,
    athenaDatabaseEncryption,
    athenaNoPrimaryWorkgroup,
    glueCatalogEncryption,
    glueSecurityConfiguration,
    glueJobVersionPinned,
    glueJobBookmarksOrReason,
    redshiftEncryption,
    redshiftNotPublic,
    streamEncryption,
    quicksightDataSourceSecure,
    quicksightDatasetRestricted,
    secretsManagerCmk,
    kmsKeyRotation,
    iamNoLakeFullAccess,
];
