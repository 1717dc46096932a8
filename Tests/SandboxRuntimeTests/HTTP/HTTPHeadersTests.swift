import SandboxHTTP
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test("lookup ignores case and returns the first value")
    func lookupIgnoresCase() {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "X-Trace": "a"]
        headers.add(name: "x-trace", value: "b")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["X-TRACE"] == "a")
        #expect(headers.values(for: "x-Trace") == ["a", "b"])
        #expect(headers["Missing"] == nil)
        #expect(headers.contains("CONTENT-TYPE"))
    }

    @Test("set replaces every field with the name, in the first one's place")
    func setReplacesAll() {
        var headers = HTTPHeaders([("A", "1"), ("b", "2"), ("B", "3"), ("C", "4")])
        headers.set(name: "B", value: "9")
        #expect(headers.fields.map(\.name) == ["A", "B", "C"])
        #expect(headers.values(for: "b") == ["9"])
        headers["D"] = "5"
        #expect(headers.fields.last == HTTPHeaders.Field(name: "D", value: "5"))
    }

    @Test("remove drops every field with the name; subscript nil does the same")
    func removeDropsAll() {
        var headers = HTTPHeaders([("A", "1"), ("a", "2"), ("B", "3")])
        headers.remove(name: "A")
        #expect(headers.fields == [HTTPHeaders.Field(name: "B", value: "3")])
        headers["b"] = nil
        #expect(headers.isEmpty)
    }

    @Test("equality is exact: order and spelling count")
    func equalityIsExact() {
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) == ["A": "1", "B": "2"])
        #expect(HTTPHeaders([("A", "1"), ("B", "2")]) != ["B": "2", "A": "1"])
        #expect(HTTPHeaders([("A", "1")]) != ["a": "1"])
    }

    @Test("description redacts credentials")
    func descriptionRedactsCredentials() {
        let headers: HTTPHeaders = [
            "authorization": "token ghp_secret", "X-Amz-Security-Token": "s3cr3t", "Accept": "*/*",
        ]
        #expect(!headers.description.contains("secret"))
        #expect(!headers.description.contains("s3cr3t"))
        #expect(headers.description.contains("Accept: */*"))
    }
}
