import Foundation

/// Caches the credentials of a fetching provider and refreshes them before they expire.
///
/// - Credentials without an expiry (static keys, a `credential_process` that prints none) are fetched once.
/// - Temporary credentials are refreshed once they are within ``refreshWindow`` of their expiry (botocore's
///   advisory window: 15 minutes). If that refresh fails while the cached credentials are still good for more than
///   ``safetyMargin``, the cached ones are returned (the source may be down for a moment); otherwise the failure
///   is thrown.
/// - Refreshes are at least ``minimumRefreshInterval`` apart while the cached credentials are still usable, so a
///   source that hands out credentials already inside the window (IMDS does under load) is not called on every
///   request.
/// - Never two refreshes at once: concurrent callers wait for the one in flight.
actor CachingCredentialsProvider: AWSCredentialsProvider {
    let refreshWindow: TimeInterval = 15 * 60
    let safetyMargin: TimeInterval = 60
    let minimumRefreshInterval: TimeInterval = 60
    /// The provider that fetches.
    nonisolated let source: any AWSCredentialsProvider
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var lastRefresh: Date?
    private var inFlight: Task<Result<AWSCredentials, AWSConfigurationError>, Never>?

    init(_ source: any AWSCredentialsProvider, now: @escaping @Sendable () -> Date = { Date() }) {
        (self.source, self.now) = (source, now)
    }

    func credentials() async throws(AWSConfigurationError) -> AWSCredentials {
        if let cached, isUsable(cached), !isDue(cached) { return cached }
        switch await refresh() {
        case .success(let fresh):
            return fresh
        case .failure(let error):
            if let cached, isUsable(cached) { return cached }
            throw error
        }
    }

    private func refresh() async -> Result<AWSCredentials, AWSConfigurationError> {
        let task =
            inFlight
            ?? Task { [source] () -> Result<AWSCredentials, AWSConfigurationError> in
                do throws(AWSConfigurationError) {
                    return .success(try await source.credentials())
                } catch {
                    return .failure(error)
                }
            }
        inFlight = task
        let result = await task.value
        if inFlight == task {
            inFlight = nil
            lastRefresh = now()
            if case .success(let fresh) = result { cached = fresh }
        }
        return result
    }

    private func isUsable(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return true }
        return now() < expiration.addingTimeInterval(-safetyMargin)
    }

    private func isDue(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration, now() >= expiration.addingTimeInterval(-refreshWindow) else {
            return false
        }
        guard let lastRefresh else { return true }
        return now() >= lastRefresh.addingTimeInterval(minimumRefreshInterval)
    }
}
