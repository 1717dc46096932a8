import Foundation
import Testing

/// The README's first command shows the `ready` comment a Metaflow user follows (desired-state/templates/ready.md).
@Suite("the local demo's ready comment")
struct LocalReadyCommentTests {
    @Test("it holds a Metaflow configuration that is valid JSON, filled from the simulated outputs")
    func readyCommentHasTheConfiguration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path("state")
        let (status, output) = await runSandboxd(
            ["reconcile", "--local", "--wait", "--desired-state", exampleDesiredState, "--state-dir", state])
        #expect(status == 0, "\(output.stderr)")
        let comment = try String(contentsOfFile: state + "/outbox/hubot-forecasting.ready.md", encoding: .utf8)
        #expect(comment.contains("### Your Metaflow sandbox `hubot-forecasting` is ready"))
        #expect(!comment.contains("—"), "every placeholder has a value")

        let block = try #require(comment.components(separatedBy: "```json\n").dropFirst().first)
        let json = try #require(block.components(separatedBy: "\n```").first)
        let configuration = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String],
            "\(json)"
        )
        #expect(configuration["METAFLOW_DEFAULT_DATASTORE"] == "s3")
        #expect(configuration["METAFLOW_DATASTORE_SYSROOT_S3"]?.hasPrefix("s3://sandbox-hubot-forecasting-") == true)
        #expect(
            configuration["METAFLOW_ECS_S3_ACCESS_IAM_ROLE"]
                == "arn:aws:iam::000000000000:role/sandboxd/sandbox-hubot-forecasting-batch_job_role",
            "values inside the fence are not Markdown-escaped"
        )
        for key in [
            "METAFLOW_BATCH_JOB_QUEUE", "METAFLOW_SERVICE_URL", "METAFLOW_SFN_IAM_ROLE",
            "METAFLOW_EVENTS_SFN_ACCESS_IAM_ROLE", "METAFLOW_SFN_DYNAMO_DB_TABLE",
        ] {
            #expect(configuration[key]?.isEmpty == false, "\(key)")
        }
        #expect(comment.contains("export METAFLOW_PROFILE=hubot-forecasting"))
        #expect(comment.contains("helloworld.py run --with batch"))
        // Outside the fences, values are escaped as Markdown, as before.
        #expect(comment.contains("role/sandboxd/sandbox-hubot-forecasting-access\\_role"))
    }
}
