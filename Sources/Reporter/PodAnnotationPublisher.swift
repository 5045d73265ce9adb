import ForgeCore
import FoundationEssentials
import KubeClient
import Logging

/// Publishes reports as a JSON merge patch of `metadata.annotations["cardano.io/forge-report"]`
/// on this pod only. Submissions are coalesced (the newest wins) and sent from this
/// publisher's own task, so a slow API server delays reports, never the controller.
final class PodAnnotationPublisher: ReportPublisher, Sendable {
    private let client: KubernetesClient
    private let namespace: String
    private let pod: String
    private let logger: Logger
    private let stream: AsyncStream<ForgeReport>
    private let continuation: AsyncStream<ForgeReport>.Continuation

    init(client: KubernetesClient, namespace: String, pod: String, logger: Logger) {
        self.client = client
        self.namespace = namespace
        self.pod = pod
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: ForgeReport.self, bufferingPolicy: .bufferingNewest(1))
    }

    func submit(_ report: ForgeReport) {
        continuation.yield(report)
    }

    /// Sends submitted reports until cancelled. A failed publish is retried (with the newest
    /// report) after a short pause.
    func run() async {
        var pending: ForgeReport?
        var iterator = stream.makeAsyncIterator()
        while !Task.isCancelled {
            if pending == nil { pending = await iterator.next() }
            guard let report = pending else { return }
            do {
                try await patch(report)
                pending = nil
            } catch {
                logger.warning("publishing the report failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func publishNow(_ report: ForgeReport, timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do { try await self.patch(report); return true } catch {
                    self.logger.warning("publishing the final report failed", metadata: ["error": "\(error)"])
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func patch(_ report: ForgeReport) async throws {
        let value = try report.annotationValue()
        let body = try JSONEncoder().encode(JSONValue.object([
            "metadata": .object(["annotations": .object([ForgeReport.annotationKey: .string(value)])]),
        ]))
        _ = try await client.patch(
            .pods, namespace: namespace, name: pod, patch: body, patchType: .merge, as: JSONValue.self)
        logger.debug("report published", metadata: ["sequence": "\(report.sequence)", "phase": "\(report.phase.rawValue)"])
    }
}
