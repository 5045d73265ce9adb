import Testing
@testable import Reporter

@Test func placeholder() { #expect(Bool(true)) }
