import Foundation
import Testing

/// `neyman train` with `[training.disco]`: the penalty is wired in, recorded in history.json, and its variable is
/// checked against the training file.
@Suite("neyman train with DisCo", .serialized)
struct DisCoTrainCLITests {
    @Test func discoTableIsUsedAndRecorded() throws {
        let helper = TrainPredictCLITests()
        // The training file's only feature is x, so decorrelating the score from x fights the classification:
        // the scores of x = -1, 0, 1 must move closer together than without the penalty.
        func spread(_ extra: String) throws -> (Double, [String: Any]) {
            let dir = try helper.workspace(config: extra)
            let out = dir.appendingPathComponent("out")
            let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", out.path,
                                 "--format", "json", "--quiet"])
            #expect(t.status == 0, "\(t.stderr)")
            let history = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("history.json")))
                as? [String: Any])
            let p = try CLI.run(["predict", "--model", out.appendingPathComponent("model.safetensors").path,
                                 "--input", dir.appendingPathComponent("score.csv").path, "--format", "json"])
            let scores = try #require(p.json?["scores"] as? [Double])
            return (scores[2] - scores[0], history)
        }
        let (plain, plainHistory) = try spread("")
        let (penalised, history) = try spread("[training.disco]\nlambda = 20.0\nvariable = \"x\"\nevents = \"all\"")
        #expect(plainHistory["disco"] is NSNull)
        let disco = try #require(history["disco"] as? [String: Any])
        #expect(disco["lambda"] as? Double == 20 && disco["variable"] as? String == "x" && disco["events"] as? String == "all")
        #expect(penalised < 0.5 * plain, "score spread over x in [-1, 1]: \(plain) without, \(penalised) with DisCo")
    }

    @Test func unknownVariableIsAnError() throws {
        let dir = try TrainPredictCLITests().workspace(config: "[training.disco]\nlambda = 1.0\nvariable = \"mass\"")
        let t = try CLI.run(["train", "--config", dir.appendingPathComponent("config.toml").path, "--out", dir.appendingPathComponent("o").path])
        #expect(t.status == 2 && t.stderr.contains("mass") && t.stderr.split(separator: "\n").count == 1, "\(t.stderr)")
    }
}
