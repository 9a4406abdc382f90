import type * as pulumi from "@pulumi/pulumi";

/** A bucket as the storage component outputs it. */
export interface BucketRef {
    /** The bucket's name as an output (carries the dependency on the bucket). */
    name: pulumi.Input<string>;
    arn: pulumi.Input<string>;
    /** The same name, known when the program runs (decides which locations are inside the lake's buckets). */
    bucketName: string;
}
