import Foundation
import SandboxHA
import SandboxLocking
import SandboxRuntime

extension HAReplica {
    /// Writes this replica's ``ReplicaView`` (docs/behaviour.md §12.6) when what it says changed — its role, the
    /// leader or term it saw — and otherwise at most every ``refresh``, so a standby looking every few seconds
    /// costs a write a half-minute, not one a look. The item's TTL is four refreshes: a stopped replica's item
    /// goes.
    final class ViewWriter: Sendable {
        let table: HATable
        let replica: String
        let refresh: TimeInterval
        let logger: Logger
        private let last = Locked<(role: ReplicaView.Role, leader: String?, term: UInt64, at: Date)?>(nil)

        init(table: HATable, replica: String, lease: TimeInterval, logger: Logger) {
            self.table = table
            self.replica = replica
            refresh = max(2 * lease, 30)
            self.logger = logger
        }

        /// What this replica sees now: `role`, the `lease` it read or renewed, its cache's last seq.
        func saw(_ role: ReplicaView.Role, lease: LeaderTerm?, cachedSeq: UInt64, now: Date = Date()) async {
            let changed = last.withLock { last in
                guard let last, last.role == role, last.leader == lease?.holder, last.term == (lease?.fence ?? 0)
                else { return true }
                return now.timeIntervalSince(last.at) >= refresh
            }
            guard changed else { return }
            let view = ReplicaView(
                id: replica,
                role: role,
                leader: lease?.holder,
                term: lease?.fence ?? 0,
                seenAt: now,
                leaseExpires: lease?.expires,
                cachedSeq: cachedSeq,
                expiresAt: now.addingTimeInterval(4 * refresh)
            )
            do {
                try await table.write(view)
                last.withLock { $0 = (role, lease?.holder, lease?.fence ?? 0, now) }
            } catch {
                logger.info("cannot write this replica's item in the HA table", ["error": "\(error)"])
            }
        }
    }
}
