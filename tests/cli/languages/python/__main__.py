"""One BucketPolicy from stack config: bucket, policy (JSON text; secret when `secret` is true) and owner."""
import pulumi
import pulumi_s3_bucket_policy as s3bp

config = pulumi.Config()
policy = config.require_secret("policy") if config.get_bool("secret") else config.require("policy")
bucket_policy = s3bp.BucketPolicy(
    "bucketPolicy",
    bucket=config.require("bucket"),
    policy=policy,
    expected_bucket_owner=config.require("owner"),
)
pulumi.export("canonicalPolicy", bucket_policy.canonical_policy)
pulumi.export("isPublic", bucket_policy.is_public)
