public import Foundation

/// Caches the credentials of a fetching provider and refreshes them before they expire.
///
/// - Credentials without an expiry (static keys) are fetched once.
/// - Temporary credentials are refreshed once they are within ``refreshWindow`` of their expiry (botocore's
///   advisory window: 15 minutes). If that refresh fails while the cached credentials are still good for more than
///   ``safetyMargin``, the cached ones are returned (the source may be down for a moment); otherwise the failure
///   is thrown.
/// - Refreshes are at least ``minimumRefreshInterval`` apart while the cached credentials are still usable, so a
///   source that hands out credentials already inside the window (IMDS does under load) is not called on every
///   request.
/// - Never two refreshes at once: concurrent callers wait for the one in flight.
public actor CachingCredentialsProvider: AWSCredentialsProvider {
    /// How long before expiry a refresh starts.
    public let refreshWindow: TimeInterval
    /// Credentials closer to expiry than this are not used.
    public let safetyMargin: TimeInterval
    /// The least time between two refreshes while the cached credentials are still usable.
    public let minimumRefreshInterval: TimeInterval

    private let source: any AWSCredentialsProvider
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var lastRefresh: Date?
    private var inFlight: (generation: Int, task: Task<Result<AWSCredentials, AWSCredentialsError>, Never>)?
    private var generation = 0

    /// Wraps a provider.
    ///
    /// - Parameters:
    ///   - source: The provider that fetches credentials.
    ///   - refreshWindow: Refresh this long before expiry; 15 minutes by default.
    ///   - safetyMargin: Never use credentials this close to expiry; 1 minute by default.
    ///   - minimumRefreshInterval: The least time between refreshes of usable credentials; 1 minute by default.
    ///   - now: The clock; the system's by default.
    public init(
        _ source: any AWSCredentialsProvider,
        refreshWindow: TimeInterval = 15 * 60,
        safetyMargin: TimeInterval = 60,
        minimumRefreshInterval: TimeInterval = 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.source = source
        self.refreshWindow = refreshWindow
        self.safetyMargin = safetyMargin
        self.minimumRefreshInterval = minimumRefreshInterval
        self.now = now
    }

    /// Returns cached credentials, refreshing them first when they are due.
    public func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        let current = now()
        if let cached, isUsable(cached, at: current), !isDue(cached, at: current) {
            return cached
        }
        let result = await refresh()
        switch result {
        case .success(let fresh):
            return fresh
        case .failure(let error):
            if let cached, isUsable(cached, at: now()) {
                return cached
            }
            throw error
        }
    }

    /// Starts a refresh, or joins the one in flight, and stores its result.
    private func refresh() async -> Result<AWSCredentials, AWSCredentialsError> {
        let flight: (generation: Int, task: Task<Result<AWSCredentials, AWSCredentialsError>, Never>)
        if let inFlight {
            flight = inFlight
        } else {
            generation += 1
            let source = source
            flight = (
                generation,
                Task { () -> Result<AWSCredentials, AWSCredentialsError> in
                    do throws(AWSCredentialsError) {
                        return .success(try await source.credentials())
                    } catch {
                        return .failure(error)
                    }
                }
            )
            inFlight = flight
        }
        let result = await flight.task.value
        if inFlight?.generation == flight.generation {
            inFlight = nil
            lastRefresh = now()
            if case .success(let fresh) = result {
                cached = fresh
            }
        }
        return result
    }

    private func isUsable(_ credentials: AWSCredentials, at date: Date) -> Bool {
        guard let expiration = credentials.expiration else { return true }
        return date < expiration.addingTimeInterval(-safetyMargin)
    }

    private func isDue(_ credentials: AWSCredentials, at date: Date) -> Bool {
        guard let expiration = credentials.expiration, date >= expiration.addingTimeInterval(-refreshWindow) else {
            return false
        }
        guard let lastRefresh else { return true }
        return date >= lastRefresh.addingTimeInterval(minimumRefreshInterval)
    }
}
