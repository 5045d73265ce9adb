import ForgeCore
import Foundation
import Testing

@Suite("ForgeReport schema")
struct ForgeReportTests {
    static func sample() -> ForgeReport {
        ForgeReport(
            pod: "producer-0", nodeName: "worker-1", network: "mainnet", poolId: "pool1abcdefghij",
            region: "eu-west-1", sequence: 7, reportedAt: "2026-11-25T05:00:00.000Z",
            leadership: .init(holder: "producer-0", leaseName: "cardano-leader-mainnet-pool1abcde",
                              transitions: 3, acquiredAt: "2026-11-25T04:59:00.000Z"),
            forging: .init(enabled: true, confirmedBy: .sighupLog, since: "2026-11-25T04:59:01.000Z"),
            socket: .init(path: "/ipc/node.socket", healthy: true, checkedAt: "2026-11-25T05:00:00.000Z"),
            process: .init(pid: 42, found: true, nonProducingFlag: true),
            credentials: .init(state: .present, sha256: String(repeating: "ab", count: 32),
                               lastChange: "2026-11-25T04:59:00.900Z"),
            phase: .forging, lastError: nil)
    }

    @Test("encodes compact with sorted keys and decodes to the same value")
    func roundTrip() throws {
        let report = Self.sample()
        let json = try report.annotationValue()
        #expect(!json.contains("\n") && !json.contains(": "))
        #expect(json.hasPrefix("{\"credentials\":"))
        #expect(json.contains("\"confirmedBy\":\"sighup-log\""))
        #expect(json.contains("\"schemaVersion\":1"))
        #expect(try ForgeReport.decode(annotation: json).get() == report)
        #expect(ForgeReport.annotationKey == "cardano.io/forge-report")
    }

    @Test("every phase, confirmation and credential state round-trips")
    func enumsRoundTrip() throws {
        for phase in ForgeReport.Phase.allCases {
            for confirmation in ForgeReport.Confirmation.allCases {
                for state in ForgeReport.CredentialState.allCases {
                    var report = Self.sample()
                    report.phase = phase
                    report.forging.confirmedBy = confirmation
                    report.credentials.state = state
                    #expect(try ForgeReport.decode(annotation: report.annotationValue()).get() == report)
                }
            }
        }
    }

    @Test("unknown fields are ignored")
    func unknownFields() throws {
        var object = try JSONSerialization.jsonObject(with: Data(Self.sample().annotationValue().utf8)) as! [String: Any]
        object["futureField"] = ["nested": true]
        var forging = object["forging"] as! [String: Any]
        forging["newEvidence"] = "x"
        object["forging"] = forging
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(try ForgeReport.decode(annotation: json).get() == Self.sample())
    }

    @Test("optional fields may be absent")
    func minimal() throws {
        let json = """
        {"schemaVersion":1,"pod":"p","sequence":1,"phase":"standby",
         "leadership":{"leaseName":"l","transitions":0},
         "forging":{"enabled":false,"confirmedBy":"none"},
         "socket":{"path":"/s","healthy":false},"process":{"found":false},
         "credentials":{"state":"absent"}}
        """
        let report = try ForgeReport.decode(annotation: json).get()
        #expect(report.pod == "p" && report.leadership.holder == nil && report.process.pid == nil)
    }

    @Test("a huge lastError is cut so the report stays far below 16 KiB and still decodes")
    func lastErrorIsBounded() throws {
        var report = Self.sample()
        // Characters of 1 to 4 UTF-8 bytes and ones JSON must escape: the worst cases.
        report.lastError = String(repeating: "é\u{1F600}\"\n\\x", count: 20_000)
        let value = try report.annotationValue()
        #expect(value.utf8.count < ForgeReport.maximumEncodedSize / 2, "\(value.utf8.count) bytes")
        let decoded = try ForgeReport.decode(annotation: value).get()
        let error = try #require(decoded.lastError)
        #expect(error.utf8.count <= ForgeReport.maximumLastErrorBytes)
        #expect(error.hasSuffix("… (truncated, \(report.lastError!.utf8.count) bytes)"))
        #expect(report.lastError!.hasPrefix(String(error.prefix(while: { $0 != "…" }))))
        // A short one is untouched.
        report.lastError = "socket /ipc/node.socket not ready"
        #expect(try ForgeReport.decode(annotation: report.annotationValue()).get().lastError == "socket /ipc/node.socket not ready")
    }

    @Test("truncation keeps whole characters and fits the limit exactly", arguments: [0, 1, 5, 40, 41, 100])
    func truncation(limit: Int) {
        let text = String(repeating: "\u{1F600}ab", count: 30)   // 6 bytes per repeat
        let cut = ForgeReport.truncatedError(text, limit: limit)
        #expect(cut.utf8.count <= max(limit, "… (truncated, 180 bytes)".utf8.count))
        #expect(cut.hasSuffix("… (truncated, 180 bytes)"))
        #expect(ForgeReport.truncatedError(text, limit: 180) == text)
    }

    @Test("larger than 16 KiB is rejected before parsing")
    func oversized() {
        let json = "{\"pad\":\"" + String(repeating: "x", count: 16 * 1024) + "\"}"
        guard case .failure(.oversized(let bytes, let limit)) = ForgeReport.decode(annotation: json) else {
            Issue.record("expected oversized"); return
        }
        #expect(bytes > limit && limit == 16_384)
        #expect(ReportParseError.oversized(bytes: bytes, limit: limit).reason.contains("16384"))
    }

    @Test("non-JSON and non-object input", arguments: ["", "not json", "{\"a\":", "[1,2]", "\"text\"", "42"])
    func notJSON(input: String) {
        guard case .failure(.notJSON(let detail)) = ForgeReport.decode(annotation: input) else {
            Issue.record("expected notJSON for \(input)"); return
        }
        #expect(!detail.isEmpty)
    }

    @Test("schemaVersion missing, wrong type or unknown")
    func schemaVersion() throws {
        #expect(ForgeReport.decode(annotation: "{\"pod\":\"p\"}") == .failure(.missingField("schemaVersion")))
        #expect(ForgeReport.decode(annotation: "{\"schemaVersion\":null}") == .failure(.missingField("schemaVersion")))
        #expect(ForgeReport.decode(annotation: "{\"schemaVersion\":2}") == .failure(.unsupportedSchemaVersion(2)))
        #expect(ForgeReport.decode(annotation: "{\"schemaVersion\":0}") == .failure(.unsupportedSchemaVersion(0)))
        guard case .failure(.invalidValue(let field, _)) = ForgeReport.decode(annotation: "{\"schemaVersion\":\"1\"}") else {
            Issue.record("string version accepted"); return
        }
        #expect(field == "schemaVersion")
        guard case .failure(.invalidValue) = ForgeReport.decode(annotation: "{\"schemaVersion\":true}") else {
            Issue.record("boolean version accepted"); return
        }
        #expect(ReportParseError.unsupportedSchemaVersion(2).reason.contains("2"))
    }

    @Test("each missing required field is named",
          arguments: ["pod", "sequence", "phase", "leadership", "forging", "socket", "process", "credentials",
                      "leadership.leaseName", "forging.enabled", "forging.confirmedBy", "socket.healthy",
                      "process.found", "credentials.state"])
    func missingField(path: String) throws {
        var object = try JSONSerialization.jsonObject(with: Data(Self.sample().annotationValue().utf8)) as! [String: Any]
        let parts = path.split(separator: ".").map(String.init)
        if parts.count == 1 {
            object.removeValue(forKey: parts[0])
        } else {
            var inner = object[parts[0]] as! [String: Any]
            inner.removeValue(forKey: parts[1])
            object[parts[0]] = inner
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let result = ForgeReport.decode(annotation: json)
        #expect(result == .failure(.missingField(path)))
        if case .failure(let error) = result { #expect(error.reason.contains(path)) }
    }

    @Test("wrong types and unknown enum values are invalid values naming the field")
    func invalidValues() throws {
        let base = try Self.sample().annotationValue()
        let cases: [(String, String, String)] = [
            ("\"phase\":\"forging\"", "\"phase\":\"dancing\"", "phase"),
            ("\"sequence\":7", "\"sequence\":\"seven\"", "sequence"),
            ("\"enabled\":true", "\"enabled\":\"yes\"", "forging.enabled"),
            ("\"state\":\"present\"", "\"state\":\"lost\"", "credentials.state"),
        ]
        for (from, to, field) in cases {
            let json = base.replacingOccurrences(of: from, with: to)
            #expect(json != base)
            guard case .failure(.invalidValue(let named, _)) = ForgeReport.decode(annotation: json) else {
                Issue.record("expected invalidValue for \(field)"); continue
            }
            #expect(named == field)
        }
    }

    @Test("timestamps are RFC 3339 UTC with milliseconds")
    func timestamps() {
        #expect(ForgeReport.timestamp(Date(timeIntervalSince1970: 1_764_046_800.25)) == "2025-11-25T05:00:00.250Z")
    }
}
