/// Why a DynamoDB call failed, reduced to what sandboxd acts on, with AWS's code and message.
public struct DynamoDBError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// `ConditionalCheckFailedException`, or a `TransactionCanceledException` one of whose reasons is
        /// `ConditionalCheckFailed`: the item is not as the condition said. Nothing was written.
        case conditionFailed
        /// `ResourceNotFoundException`: no such table (create it: docs/behaviour.md §12.4).
        case tableMissing
        /// `AccessDeniedException` and the other authorization failures: the IAM actions of §12.4 are missing.
        case accessDenied
        /// Throttled, 5xx or no answer (after the retries): try again later.
        case unavailable
        /// Anything else (a malformed request, an answer that is not what the model says).
        case other
    }

    public var kind: Kind
    /// AWS's error code (`ConditionalCheckFailedException`), or empty when there was no answer.
    public var code: String
    public var message: String
    /// A cancelled transaction's reason codes, one per action in order (`None` for an action that was fine).
    public var cancellationReasons: [String]

    public init(_ kind: Kind, code: String = "", message: String, cancellationReasons: [String] = []) {
        self.kind = kind
        self.code = code
        self.message = message
        self.cancellationReasons = cancellationReasons
    }

    public var description: String {
        code.isEmpty ? message : "\(code): \(message)"
    }

    /// The error with what to do when it is a missing table: create it (docs/behaviour.md §12.4, §12.5).
    func advising(table: String?) -> DynamoDBError {
        guard kind == .tableMissing else { return self }
        var advised = self
        let name = table ?? "NAME"
        advised.message =
            "the HA table \(name) does not exist in this account and region (\(message)): "
            + "run sandboxd ha create-table --ha-table \(name) (or catalog/sandboxd-ha-table.yaml), or check "
            + "--ha-table, the region and AWS_ENDPOINT_URL_DYNAMODB"
        return advised
    }

    /// The kind of an AWS error code.
    static func kind(ofCode code: String, reasons: [String]) -> Kind {
        switch code {
        case "ConditionalCheckFailedException": return .conditionFailed
        case "TransactionCanceledException":
            return reasons.contains("ConditionalCheckFailed") ? .conditionFailed : .unavailable
        case "ResourceNotFoundException": return .tableMissing
        case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
            "MissingAuthenticationTokenException", "ExpiredTokenException":
            return .accessDenied
        case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
            "InternalServerError", "ServiceUnavailable", "TransactionInProgressException":
            return .unavailable
        default: return .other
        }
    }
}
