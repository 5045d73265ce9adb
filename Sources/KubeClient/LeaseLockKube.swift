import FoundationEssentials
import ForgeCore

/// `LeaseLock` on a `coordination.k8s.io/v1` Lease.
///
/// Updates start from the last Lease object this lock read or wrote, so labels, annotations,
/// owner references and spec fields this project does not know survive a renewal. The
/// compare-and-swap itself rests on `metadata.resourceVersion`, which comes from the record.
///
/// Writes carry `fieldManager` (when given; use the election identity), so the Lease's
/// managedFields name the pod that wrote it last.
public final class KubeLeaseLock: LeaseLock {
    public let client: KubernetesClient
    public let namespace: String
    public let name: String
    public let fieldManager: String?
    private let lastObject = Locked<Lease?>(nil)

    public init(client: KubernetesClient, namespace: String, name: String, fieldManager: String? = nil) {
        self.client = client
        self.namespace = namespace
        self.name = name
        self.fieldManager = fieldManager
    }

    public var lockDescription: String { "\(namespace)/\(name)" }

    public func get() async throws -> LeaseRecord? {
        do {
            let lease = try await client.get(.leases, namespace: namespace, name: name, as: Lease.self)
            lastObject.withLock { $0 = lease }
            return Self.record(of: lease)
        } catch let error as KubeAPIError where error.isNotFound {
            lastObject.withLock { $0 = nil }
            return nil
        }
    }

    public func create(_ record: LeaseRecord) async throws -> LeaseRecord {
        var lease = Lease(metadata: ObjectMeta(name: name, namespace: namespace))
        Self.apply(record, to: &lease)
        lease.metadata.resourceVersion = nil // must be unset on create
        do {
            let created = try await write("POST", ResourceType.leases.path(namespace: namespace), lease)
            lastObject.withLock { $0 = created }
            return Self.record(of: created)
        } catch let error as KubeAPIError where error.isAlreadyExists || error.isConflict {
            throw LeaseLockError.lostRace("create \(lockDescription): \(error.message)")
        }
    }

    public func update(_ record: LeaseRecord) async throws -> LeaseRecord {
        var lease = lastObject.current ?? Lease(metadata: ObjectMeta(name: name, namespace: namespace))
        Self.apply(record, to: &lease)
        do {
            let updated = try await write("PUT", ResourceType.leases.path(namespace: namespace, name: name), lease)
            lastObject.withLock { $0 = updated }
            return Self.record(of: updated)
        } catch let error as KubeAPIError where error.isConflict || error.isNotFound {
            throw LeaseLockError.lostRace("update \(lockDescription): \(error.message)")
        }
    }

    /// Watches this one Lease (field selector on its name), with bookmarks so a quiet lease
    /// still advances the version to resume from. Does not touch the object updates start
    /// from: a standby always reads before it writes.
    public func watch(after resourceVersion: String?) -> AsyncThrowingStream<LeaseChange, Error>? {
        let options = WatchOptions(
            fieldSelector: "metadata.name=\(name)", resourceVersion: resourceVersion, allowWatchBookmarks: true)
        let source = client.watch(.leases, namespace: namespace, options: options, as: Lease.self)
        let (stream, continuation) = AsyncThrowingStream<LeaseChange, Error>.makeStream()
        let description = lockDescription
        let pump = Task {
            do {
                for try await event in source {
                    switch event {
                    case .added(let lease), .modified(let lease):
                        continuation.yield(.changed(Self.record(of: lease)))
                    case .deleted(let lease):
                        continuation.yield(.deleted(resourceVersion: lease.metadata.resourceVersion))
                    case .bookmark(let version):
                        continuation.yield(.progress(resourceVersion: version))
                    case .error(let error) where error.isGone:
                        throw LeaseWatchExpired("watch \(description): \(error.message)")
                    case .error(let error):
                        throw error
                    }
                }
                continuation.finish()
            } catch let error as KubeAPIError where error.isGone {
                continuation.finish(throwing: LeaseWatchExpired("watch \(description): \(error.message)"))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        // Ending the consumer ends the pump, whose iterator ending aborts the transfer.
        continuation.onTermination = { _ in pump.cancel() }
        return stream
    }

    /// POST/PUT with the optional fieldManager query (the typed verbs take no query).
    private func write(_ method: String, _ path: String, _ lease: Lease) async throws -> Lease {
        let body: Data
        do {
            body = try JSONEncoder().encode(lease)
        } catch {
            throw KubeClientError.invalidResponse("cannot encode Lease \(lockDescription): \(error)")
        }
        let query = fieldManager.map { [("fieldManager", $0)] } ?? []
        let (status, data) = try await client.send(
            method: method, path: path, query: query, body: body, contentType: "application/json")
        guard (200..<300).contains(status) else {
            throw KubeAPIError.from(status: status, body: data, context: "\(method) \(path)")
        }
        do {
            return try JSONDecoder().decode(Lease.self, from: data)
        } catch {
            throw KubeClientError.invalidResponse("\(method) \(path): undecodable Lease: \(error)")
        }
    }

    public static func record(of lease: Lease) -> LeaseRecord {
        LeaseRecord(
            holderIdentity: lease.spec.holderIdentity, leaseDurationSeconds: lease.spec.leaseDurationSeconds,
            acquireTime: lease.spec.acquireTime, renewTime: lease.spec.renewTime,
            leaseTransitions: lease.spec.leaseTransitions, resourceVersion: lease.metadata.resourceVersion)
    }

    static func apply(_ record: LeaseRecord, to lease: inout Lease) {
        lease.spec.holderIdentity = record.holderIdentity
        lease.spec.leaseDurationSeconds = record.leaseDurationSeconds
        lease.spec.acquireTime = record.acquireTime
        lease.spec.renewTime = record.renewTime
        lease.spec.leaseTransitions = record.leaseTransitions
        lease.metadata.resourceVersion = record.resourceVersion
    }
}
