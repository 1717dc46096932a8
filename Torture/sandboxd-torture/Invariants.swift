// The checks after convergence, and the summary.

import Foundation
import SandboxCore
import SandboxTesting

struct Invariants {
    let torture: Torture

    /// Every violation, as a line; empty when all hold.
    func check(converged: Bool) -> [String] {
        var violations: [String] = []
        if !converged { violations.append("no convergence: requests not final or products left after 60 s") }
        violations += products()
        violations += journalRequests()
        violations += comments()
        // In HA mode the journal is the table's, replayed by journalRequests().
        let verify =
            torture.ha != nil ? nil : try? runProgram(torture.executable, ["journal", "verify", torture.statePath])
        if torture.ha == nil, verify?.status != 0 {
            violations.append(
                "journal verify exited \(verify.map { String($0.status) } ?? "-"): \(verify?.output ?? "")"
            )
        }
        violations += torture.catalog.violations.map { "Service Catalog refused a request: \($0)" }
        return violations
    }

    /// One product per request and attempt, served once; every product a request's, tagged as such; none left
    /// (docs/behaviour.md §3.11, §3.5–3.6).
    private func products() -> [String] {
        var violations: [String] = []
        let ids = Set(torture.requests.map(\.id))
        let created = torture.catalog.createdProducts
        var byRequest: [String: [FakeServiceCatalogServer.CreatedProduct]] = [:]
        for product in created {
            let id = product.name.hasPrefix("sandbox-") ? String(product.name.dropFirst("sandbox-".count)) : ""
            guard ids.contains(id), product.tags["sandboxd:request"] == id, product.tags["sandboxd:pool"] == "default"
            else {
                violations.append("product \(product.id) \(product.name) \(product.tags) is no request's")
                continue
            }
            byRequest[id, default: []].append(product)
        }
        for (id, products) in byRequest where products.count > 3 {
            violations.append("request \(id): \(products.count) products, more than its 3 attempts")
        }
        for (id, products) in byRequest where Set(products.map(\.token)).count != products.count {
            violations.append("request \(id): two products from one attempt's token")
        }
        var served: [String: Int] = [:]
        for change in torture.catalog.statusChanges where change.status == "AVAILABLE" {
            served[change.name, default: 0] += 1
        }
        for (name, count) in served where count > 1 {
            violations.append("\(name) served \(count) times")
        }
        for product in torture.catalog.liveProducts {
            violations.append("product \(product.id) \(product.name) still exists (\(product.status))")
        }
        return violations
    }

    /// Every request final and ended, none lost or failed; every request never removed was seen.
    private func journalRequests() -> [String] {
        guard let state = torture.journal() else { return ["the journal cannot be read"] }
        var violations: [String] = []
        for request in torture.requests where request.removeAt == nil {
            if state.requests.keys.allSatisfy({ $0.rawValue != request.id }) {
                violations.append("request \(request.id) was never seen")
            }
        }
        for (id, record) in state.requests {
            if case .ended = record.phase { continue }
            violations.append("request \(id) ends \(record.phase.state.rawValue), not ended")
        }
        return violations
    }

    /// No marker twice; every sandbox that ran told it `ended` (docs/behaviour.md §6.2–6.4). Not `ready`: a
    /// request that moved on before its comment went out is told where it is now (§6.1).
    private func comments() -> [String] {
        var violations: [String] = []
        var counts: [String: Int] = [:]
        for comment in torture.github.allComments {
            counts[Self.marker(in: comment.body) ?? "?", default: 0] += 1
        }
        for (marker, count) in counts.sorted(by: { $0.key < $1.key }) where count > 1 {
            violations.append("marker \(marker) posted \(count) times")
        }
        guard let state = torture.journal() else { return violations }
        for (id, record) in state.requests {
            guard case .ended(let ended) = record.phase, ended.lease != nil else { continue }
            if counts["\(id):ended"] == nil { violations.append("request \(id) ran but was never told it ended") }
        }
        return violations
    }

    /// `<id>:<event>[:n]` of the marker `<!-- sandboxd:<id>:<event>[:n] -->` in `body`.
    static func marker(in body: String) -> String? {
        guard let start = body.range(of: "<!-- sandboxd:", options: .backwards),
            let end = body.range(of: " -->", range: start.upperBound..<body.endIndex)
        else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }
}

extension Torture {
    func printSummary(mode: String, killSeconds: Double, totalSeconds: Double, violations: [String]) {
        let created = catalog.createdProducts.count
        let markers = github.allComments.count
        print("torture \(mode): seed \(options.seed), \(kills) SIGKILLs, \(selfExits.count) exits by itself")
        if ha != nil {
            let seconds = failures.compactMap(\.takeover).sorted()
            let kinds = Dictionary(grouping: failures, by: \.kind).map { "\($0.value.count) \($0.key)" }.sorted()
            print(
                "  leader failures: \(failures.count) (\(kinds.joined(separator: ", "))), lease \(Int(HAScene.leaseSeconds)) s"
            )
            if !seconds.isEmpty {
                print(
                    "  takeover: median \(format3(seconds[seconds.count / 2])) s, worst \(format3(seconds.last!)) s, "
                        + "best \(format3(seconds.first!)) s (target: lease + 2 s)"
                )
            }
            let overruns = leaseOverruns().values.sorted()
            print(
                "  expired leases: \(overruns.count), termination late by at most "
                    + "\(format3(overruns.last ?? 0)) s (median \(format3(overruns.isEmpty ? 0 : overruns[overruns.count / 2])) s)"
            )
        }
        if ha == nil { print("  kills during: \(tally.line)") }
        print("  \(requests.count) requests, \(created) products created, \(markers) comments")
        if options.faults {
            let injected = catalog.injectedFaults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            print("  Service Catalog faults: \(injected.joined(separator: ", "))")
            for fault in faultLog { print("  fault: \(fault)") }
            if disk == nil { print("  fault: disk full skipped (no tmpfs could be mounted)") }
        }
        if !selfExits.isEmpty { print("  exit statuses by itself: \(selfExits)") }
        print("  kill phase \(format(killSeconds)) s, total \(format(totalSeconds)) s")
        for violation in violations { print("  VIOLATION: \(violation)") }
        print("  \(violations.count) violations")
    }
}
