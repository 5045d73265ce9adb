import CYAML
import ForgeCore

/// Reads one YAML document into a `JSONValue` with libyaml's event parser: what a kubeconfig
/// needs, not a general YAML library (Yams imports full Foundation, which the shipped binaries
/// must not link).
///
/// - Mappings need scalar keys (the key's text, as written) and no duplicate keys.
/// - Plain scalars are typed as YAML 1.1 does it for kubeconfigs (and as Yams did): null (`~`,
///   `null`, empty), booleans (`true`/`false`, `yes`/`no`, `on`/`off` in the three usual
///   casings), integers (decimal, `0x`, `0o`), floats (incl. `.inf`, `.nan`); anything else is
///   a string. Quoted and block scalars are always strings, as is `!!str`.
/// - Refused with an error naming the line: aliases (`*name`; anchors alone are ignored),
///   other explicit tags, more than one document, nesting deeper than `maxDepth`, and
///   everything libyaml rejects.
enum YAMLLoader {
    struct LoadError: Error, Equatable, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String
        var description: String { "line \(line), column \(column): \(message)" }
    }

    /// Far deeper than any kubeconfig (5 levels); keeps a hostile file from building a value
    /// so deep that releasing it recursively would exhaust the stack.
    static let maxDepth = 64

    /// The document's value; nil for a stream with no document (an empty file).
    static func load(_ text: String) throws(LoadError) -> JSONValue? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] } // libyaml wants a non-null pointer
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) != 0 else {
            throw LoadError(line: 0, column: 0, message: "libyaml could not allocate a parser")
        }
        defer { yaml_parser_delete(parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(LoadError) -> JSONValue? in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) != 0 else { throw parserError(parser.pointee) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return builder.root }
                try builder.consume(event)
            }
        }
    }

    private static func parserError(_ parser: yaml_parser_t) -> LoadError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = parser.context {
            message += " (\(String(cString: context)) started at line \(parser.context_mark.line + 1))"
        }
        return LoadError(line: parser.problem_mark.line + 1, column: parser.problem_mark.column + 1, message: message)
    }
}

/// Assembles values from events with an explicit stack (no recursion on input depth).
private struct Builder {
    enum Frame {
        case sequence([JSONValue])
        case mapping([String: JSONValue], key: String?)
    }

    var stack: [Frame] = []
    var root: JSONValue?
    var documents = 0

    mutating func consume(_ event: yaml_event_t) throws(YAMLLoader.LoadError) {
        let mark = event.start_mark
        func fail(_ message: String) -> YAMLLoader.LoadError {
            YAMLLoader.LoadError(line: mark.line + 1, column: mark.column + 1, message: message)
        }
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 { throw fail("a second YAML document (\"---\"); a kubeconfig is a single document") }
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            throw fail("alias *\(name): YAML aliases are not supported in a kubeconfig; write the value out")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let tag = scalar.tag.map { String(cString: $0) }
            let value: JSONValue
            if let tag, tag != "!" {
                guard tag == "tag:yaml.org,2002:str" else { throw fail("explicit tag \(tag) is not supported") }
                value = .string(text)
            } else if scalar.style == YAML_PLAIN_SCALAR_STYLE {
                value = PlainScalar.resolve(text)
            } else {
                value = .string(text)
            }
            if case .mapping(let map, nil)? = stack.last {
                guard map[text] == nil else { throw fail("duplicate key \"\(text)\"") }
                stack[stack.count - 1] = .mapping(map, key: text) // (shares, does not copy, the dictionary)
            } else {
                add(value)
            }
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            if case .mapping(_, nil)? = stack.last {
                throw fail("a mapping key that is a \(event.type == YAML_SEQUENCE_START_EVENT ? "sequence" : "mapping"); keys must be plain text")
            }
            let tagPointer = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.tag : event.data.mapping_start.tag
            if let tag = tagPointer.map({ String(cString: $0) }), tag != "!" {
                throw fail("explicit tag \(tag) is not supported")
            }
            guard stack.count < YAMLLoader.maxDepth else {
                throw fail("nested deeper than \(YAMLLoader.maxDepth) levels")
            }
            stack.append(event.type == YAML_SEQUENCE_START_EVENT ? .sequence([]) : .mapping([:], key: nil))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            switch stack.removeLast() {
            case .sequence(let items): add(.array(items))
            case .mapping(let map, _): add(.object(map))
            }
        default:
            break // stream start, document end
        }
    }

    /// Pops the frame before changing it, so its array or dictionary is not shared with the
    /// stack and is appended to in place (no copy per item).
    private mutating func add(_ value: JSONValue) {
        guard let frame = stack.popLast() else {
            root = value
            return
        }
        switch frame {
        case .sequence(var items):
            items.append(value)
            stack.append(.sequence(items))
        case .mapping(var map, let key):
            if let key { map[key] = value } // (a key is always pending here: keys are taken in `consume`)
            stack.append(.mapping(map, key: nil))
        }
    }
}
