/**
 * analyzePublicAccess on bucket policies AWS publishes in its documentation (paraphrased: AWS's example names, the
 * structure and the elements that decide the answer kept). Each expected answer follows the rule of the S3 User Guide,
 * "The meaning of 'public'" (RULES.md, "Public access").
 */
import { analyzePublicAccess } from "../../provider/policy";

const BUCKET = "amzn-s3-demo-bucket";
const ACCOUNT = "111122223333";

interface Published {
    /** The AWS documentation page the policy comes from. */
    source: string;
    policy: object;
    isPublic: boolean;
    /** The doc's reason for the answer. */
    why: string;
}

const PUBLISHED: Record<string, Published> = {
    "static website hosting": {
        // S3 User Guide, "Setting permissions for website access" (WebsiteAccessPermissionsReqd.html).
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteAccessPermissionsReqd.html",
        policy: {
            Version: "2012-10-17",
            Statement: [{ Sid: "PublicReadGetObject", Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${BUCKET}/*`] }],
        },
        isPublic: true,
        why: 'public by design: "Principal": "*" with no condition grants everyone read access',
    },
    "CloudFront origin access control": {
        // CloudFront Developer Guide, "Restrict access to an Amazon S3 origin" (private-content-restricting-access-to-s3.html).
        source: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html",
        policy: {
            Version: "2012-10-17",
            Statement: {
                Sid: "AllowCloudFrontServicePrincipalReadOnly",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: `arn:aws:s3:::${BUCKET}/*`,
                Condition: { StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/EDFDVBD6EXAMPLE` } },
            },
        },
        isPublic: false,
        why: "a service principal is a fixed principal (and aws:SourceArn is fixed too)",
    },
    "CloudFront origin access identity (legacy)": {
        // CloudFront Developer Guide, "Restrict access to an Amazon S3 origin", legacy OAI section.
        source: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html",
        policy: {
            Version: "2012-10-17",
            Statement: {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC" },
                Action: "s3:GetObject",
                Resource: `arn:aws:s3:::${BUCKET}/*`,
            },
        },
        isPublic: false,
        why: "the OAI is a fixed AWS principal (an IAM user ARN)",
    },
    "VPC endpoint only (the published Deny)": {
        // S3 User Guide, "Controlling access from VPC endpoints with bucket policies" (example-bucket-policies-vpc-endpoint.html).
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html",
        policy: {
            Version: "2012-10-17",
            Id: "Policy1415115909152",
            Statement: [
                {
                    Sid: "Access-to-specific-VPCE-only",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
                    Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
                },
            ],
        },
        isPublic: false,
        why: "a Deny grants nothing",
    },
    "VPC endpoint only (the same restriction as an Allow)": {
        // Same page: the endpoint restriction written as a grant to "*" through one endpoint.
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html",
        policy: {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Access-through-VPCE-only",
                    Effect: "Allow",
                    Principal: "*",
                    Action: ["s3:GetObject", "s3:PutObject"],
                    Resource: `arn:aws:s3:::${BUCKET}/*`,
                    Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
                },
            ],
        },
        isPublic: false,
        why: "aws:SourceVpce with a fixed value is one of the keys that make a policy non-public",
    },
    "S3 server access log delivery": {
        // S3 User Guide, "Enabling Amazon S3 server access logging" (enable-server-access-logging.html).
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
        policy: {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "S3ServerAccessLogsPolicy",
                    Effect: "Allow",
                    Principal: { Service: "logging.s3.amazonaws.com" },
                    Action: ["s3:PutObject"],
                    Resource: `arn:aws:s3:::${BUCKET}-logs/EXAMPLE-LOGGING-PREFIX*`,
                    Condition: { ArnLike: { "aws:SourceArn": `arn:aws:s3:::${BUCKET}` }, StringEquals: { "aws:SourceAccount": ACCOUNT } },
                },
            ],
        },
        isPublic: false,
        why: "a service principal is fixed; aws:SourceAccount (and aws:SourceArn) are fixed too",
    },
    "ELB access log delivery (service principal)": {
        // Elastic Load Balancing, "Enable access logs for your Application Load Balancer" (enable-access-logging.html).
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
        policy: {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: `arn:aws:s3:::${BUCKET}/prefix/AWSLogs/${ACCOUNT}/*`,
                },
            ],
        },
        isPublic: false,
        why: "a service principal is a fixed principal",
    },
    "ELB access log delivery (regional ELB account, older Regions)": {
        // Same page: Regions available before August 2022 name the Region's Elastic Load Balancing account.
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
        policy: {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::127311923021:root" },
                    Action: "s3:PutObject",
                    Resource: `arn:aws:s3:::${BUCKET}/prefix/AWSLogs/${ACCOUNT}/*`,
                },
            ],
        },
        isPublic: false,
        why: "an AWS account is a fixed principal",
    },
    "read from an IP range": {
        // S3 User Guide, "Examples of Amazon S3 bucket policies", restricting access to specific IP addresses
        // (the IPAllow example: 54.240.143.0/24 except 54.240.143.188).
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html",
        policy: {
            Version: "2012-10-17",
            Id: "S3PolicyId1",
            Statement: [
                {
                    Sid: "IPAllow",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: `arn:aws:s3:::${BUCKET}/*`,
                    Condition: { IpAddress: { "aws:SourceIp": "54.240.143.0/24" }, NotIpAddress: { "aws:SourceIp": "54.240.143.188/32" } },
                },
            ],
        },
        isPublic: false,
        why: "aws:SourceIp fixed to a /24, narrower than /8",
    },
    "read limited to a Referer": {
        // S3 User Guide, "Examples of Amazon S3 bucket policies", restricting access to a specific HTTP referer.
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html",
        policy: {
            Version: "2012-10-17",
            Id: "HTTP referer policy example",
            Statement: [
                {
                    Sid: "Allow only GET requests originating from www.example.com and example.com.",
                    Effect: "Allow",
                    Principal: "*",
                    Action: ["s3:GetObject", "s3:GetObjectVersion"],
                    Resource: `arn:aws:s3:::${BUCKET}/*`,
                    Condition: { StringLike: { "aws:Referer": ["http://www.example.com/*", "http://example.com/*"] } },
                },
            ],
        },
        isPublic: true,
        why: "aws:Referer is not a key AWS lists (any client can send any Referer)",
    },
    "read over HTTPS only": {
        // A public read whose only condition is aws:SecureTransport (IAM User Guide, "AWS global condition context
        // keys", aws:SecureTransport): HTTPS says how the request travels, not who sends it.
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport",
        policy: {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "PublicReadOverHttps",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:GetObject",
                    Resource: `arn:aws:s3:::${BUCKET}/*`,
                    Condition: { Bool: { "aws:SecureTransport": "true" } },
                },
            ],
        },
        isPublic: true,
        why: "aws:SecureTransport is not a key AWS lists",
    },
    "HTTPS enforced by a Deny (the published form)": {
        // S3 User Guide, "Security best practices for Amazon S3": deny requests where aws:SecureTransport is false.
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
        policy: {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "RestrictToTLSRequestsOnly",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        },
        isPublic: false,
        why: "a Deny grants nothing",
    },
};

describe("analyzePublicAccess on policies AWS publishes", () => {
    it.each(Object.entries(PUBLISHED).map(([name, entry]) => ({ name, ...entry, expected: entry.isPublic ? "public" : "not public" })))(
        "$name → $expected ($why)",
        ({ policy, isPublic }) => {
            const result = analyzePublicAccess(policy);
            expect(result.isPublic).toBe(isPublic);
            expect(result.statements.length > 0).toBe(isPublic);
            // As text too: the provider reads the policy as JSON text.
            expect(analyzePublicAccess(JSON.stringify(policy, null, 2)).isPublic).toBe(isPublic);
        },
    );
});
