/// The error codes that decide retries and the ``CatalogError`` kind, from botocore's standard retry mode.
enum AWSErrorCodes {
    /// botocore's `ThrottledRetryableChecker` codes, without `LimitExceededException`: for Service Catalog that is a
    /// quota (too many provisioned products), which no retry fixes.
    static let throttling: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    ]

    /// botocore's `TransientRetryableChecker` codes.
    static let transientCodes: Set<String> = ["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"]

    /// Codes that mean the credentials or the signature were refused.
    static let accessDenied: Set<String> = [
        "AccessDenied", "AccessDeniedException", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException",
        "InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignature", "IncompleteSignatureException",
        "MissingAuthenticationToken", "MissingAuthenticationTokenException", "InvalidClientTokenId", "AuthFailure",
        "NotAuthorized", "UnauthorizedOperation", "InvalidAccessKeyId",
    ]

    /// Codes that are about the clock whatever their message.
    static let clockSkew: Set<String> = ["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"]

    /// A transient code, or any 5xx.
    static func isTransient(code: String, status: Int) -> Bool {
        transientCodes.contains(code) || (500...599).contains(status)
    }
}
