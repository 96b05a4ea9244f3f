"""The demo's Python program: one BucketPolicy from stack config (bucket, policy as JSON text, owner)."""
import pulumi
import pulumi_s3_bucket_policy as s3bp

config = pulumi.Config()
bucket_policy = s3bp.BucketPolicy(
    "bucketPolicy",
    bucket=config.require("bucket"),
    policy=config.require("policy"),
    expected_bucket_owner=config.require("owner"),
)
pulumi.export("isPublic", bucket_policy.is_public)
