// One BucketPolicy from stack config: bucket, policy (JSON text; secret when `secret` is true) and owner.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-s3-bucket-policy/sdk/go/s3bucketpolicy"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		conf := config.New(ctx, "")
		var policy pulumi.StringInput = pulumi.String(conf.Get("policy"))
		if conf.GetBool("secret") {
			policy = conf.RequireSecret("policy")
		}
		args := &s3bucketpolicy.BucketPolicyArgs{
			Bucket:              pulumi.String(conf.Require("bucket")),
			Policy:              policy,
			ExpectedBucketOwner: pulumi.StringPtr(conf.Require("owner")),
		}
		bucketPolicy, err := s3bucketpolicy.NewBucketPolicy(ctx, "bucketPolicy", args)
		if err != nil {
			return err
		}
		ctx.Export("canonicalPolicy", bucketPolicy.CanonicalPolicy)
		ctx.Export("isPublic", bucketPolicy.IsPublic)
		return nil
	})
}
