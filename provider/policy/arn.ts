/**
 * The AWS naming facts every rule shares, each coded here once: what an account id is, how an ARN splits, and the
 * ARN of an account's root. Sources: IAM User Guide, "IAM identifiers" and "Amazon Resource Names (ARNs)".
 */

/** True for a 12-digit AWS account id, the only form AWS gives one (`111122223333`). */
export function isAccountId(text: string): boolean {
    if (text.length !== 12) return false;
    for (let i = 0; i < 12; i++) {
        const code = text.charCodeAt(i);
        if (code < 48 || code > 57) return false;
    }
    return true;
}

/** An ARN split into its parts: `arn:partition:service:region:account:resource`. */
export interface Arn {
    partition: string;
    service: string;
    region: string;
    account: string;
    /** Everything after the fifth colon, colons included (`user/bob`, `bucket/key:with:colons`). */
    resource: string;
}

/**
 * Splits an ARN, or returns `undefined` for text that is not one: it must start with `arn:`, have a non-empty
 * partition and service, and at least six colon-separated parts. Wildcards are kept as written (a pattern splits like
 * the ARN it matches, except that a `*` may stand for colons too: callers that match patterns say how they read that).
 */
export function parseArn(text: string): Arn | undefined {
    if (!text.startsWith("arn:")) return undefined;
    const partitionEnd = text.indexOf(":", 4);
    if (partitionEnd <= 4) return undefined;
    const serviceEnd = text.indexOf(":", partitionEnd + 1);
    if (serviceEnd <= partitionEnd + 1) return undefined;
    const regionEnd = text.indexOf(":", serviceEnd + 1);
    if (regionEnd < 0) return undefined;
    const accountEnd = text.indexOf(":", regionEnd + 1);
    if (accountEnd < 0) return undefined;
    return {
        partition: text.slice(4, partitionEnd),
        service: text.slice(partitionEnd + 1, serviceEnd),
        region: text.slice(serviceEnd + 1, regionEnd),
        account: text.slice(regionEnd + 1, accountEnd),
        resource: text.slice(accountEnd + 1),
    };
}

/**
 * The account id an `arn:<partition>:iam::<id>:root` names, or `undefined` for any other text. AWS documents that the
 * account ARN and the short account id "behave the same way" in a principal.
 */
export function accountOfRootArn(text: string): string | undefined {
    if (!text.endsWith(":root")) return undefined;
    const arn = parseArn(text);
    return arn && arn.service === "iam" && arn.region === "" && arn.resource === "root" && isAccountId(arn.account) ? arn.account : undefined;
}

/** The length of an S3 ARN's `arn:<partition>:s3:::` prefix (where the bucket name starts), or 0 for other text. */
export function s3ArnPrefixLength(text: string): number {
    if (!text.startsWith("arn:")) return 0;
    const partitionEnd = text.indexOf(":", 4);
    return partitionEnd > 4 && text.startsWith(":s3:::", partitionEnd) ? partitionEnd + 6 : 0;
}
