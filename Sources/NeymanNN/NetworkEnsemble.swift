import Foundation
import NeymanCore
import NeymanStats

/// K networks trained alike from different initialisations (`[training] ensemble = K` of `neyman train`), optionally
/// each on a Poisson bootstrap of the training events (`bootstrap = true`), and read back as one model.
///
/// The spread of the members' outputs at a fixed event is the part of the network's uncertainty that comes from the
/// training itself: the random initialisation and batch order (and, with the bootstrap, the finite training sample).
/// It is not the uncertainty of the simulation the network was trained on (that is a systematic of the samples), nor
/// the statistical uncertainty of the data it is applied to (that is the fit's), nor a bias that every member shares
/// (a network too small for the true ratio is wrong the same way K times). Guide §4.1; the muon paper's AUC errors
/// are the same idea over k-fold trainings.
///
/// On disk: a directory with `member-<i>/model.safetensors` for `i = 1 ... K` and the manifest `ensemble.json`
/// (format `"neyman-ensemble"`, a `members` array whose entries give each `model` path relative to the manifest,
/// and the summary `neyman train` measured on the shared validation events).
public struct NetworkEnsemble {
    /// The manifest's file name inside an ensemble directory.
    public static let manifestName = "ensemble.json"
    /// The manifest's `format` value.
    public static let format = "neyman-ensemble"

    /// The members, in manifest order.
    public let members: [Network]
    /// Each member's model file (absolute or relative to the working directory).
    public let modelPaths: [String]
    /// The manifest read.
    public let manifestPath: String

    /// The manifest of `path` if it names an ensemble: `path` itself when it is a file called `ensemble.json`, or
    /// `path/ensemble.json` when `path` is a directory holding one; `nil` otherwise (a single model file).
    public static func manifest(at path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            let m = URL(fileURLWithPath: path).appendingPathComponent(manifestName).path
            return FileManager.default.fileExists(atPath: m) ? m : nil
        }
        return URL(fileURLWithPath: path).lastPathComponent == manifestName ? path : nil
    }

    private struct Manifest: Decodable {
        struct Member: Decodable { let model: String }
        let format: String
        let members: [Member]
    }

    /// Loads every member of the ensemble whose manifest (or directory) is `path`.
    /// - Throws: ``NeymanError`` naming the manifest and key: not JSON, another `format`, fewer than two members, a
    ///   member that cannot be loaded (naming its file), or members that disagree on their input columns.
    public static func load(path: String) throws -> NetworkEnsemble {
        guard let manifestPath = manifest(at: path) else {
            throw NeymanError.invalid("not an ensemble: expected a directory holding \(manifestName) or that file itself", file: path)
        }
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: manifestPath)) } catch {
            throw NeymanError.invalid("cannot read the ensemble manifest (\(error.localizedDescription))", file: manifestPath)
        }
        let m: Manifest
        do { m = try JSONDecoder().decode(Manifest.self, from: bytes) } catch let e as DecodingError {
            let (key, message) = StrictJSON.describe(e)
            throw NeymanError.invalid(message, file: manifestPath, key: key.isEmpty ? nil : key)
        } catch {
            throw NeymanError.invalid("not a JSON ensemble manifest", file: manifestPath)
        }
        guard m.format == format else {
            throw NeymanError.invalid("format is '\(m.format)', expected '\(format)'", file: manifestPath, key: "format")
        }
        guard m.members.count >= 2 else {
            throw NeymanError.invalid("an ensemble needs at least two members (found \(m.members.count))", file: manifestPath, key: "members")
        }
        let directory = URL(fileURLWithPath: manifestPath).deletingLastPathComponent()
        var networks: [Network] = [], paths: [String] = []
        for (i, member) in m.members.enumerated() {
            let p = member.model.hasPrefix("/") ? member.model : directory.appendingPathComponent(member.model).path
            let net = try Network.load(path: p)
            if let first = networks.first, first.featureNames != net.featureNames {
                throw NeymanError.invalid("member \(i + 1) takes the inputs [\(net.featureNames.joined(separator: ", "))], member 1 takes "
                                          + "[\(first.featureNames.joined(separator: ", "))]; an ensemble's members must share their inputs",
                                          file: manifestPath, key: "members[\(i)].model")
            }
            networks.append(net)
            paths.append(p)
        }
        return NetworkEnsemble(members: networks, modelPaths: paths, manifestPath: manifestPath)
    }

    /// The across-member mean and standard deviation (`K - 1` in the denominator) of a per-event quantity, given as
    /// one array per member (each of the same length).
    /// - Throws: ``NeymanError`` if fewer than two members are given or their lengths differ.
    public static func spread(_ perMember: [[Double]]) throws -> (mean: [Double], standardDeviation: [Double]) {
        guard perMember.count >= 2, let n = perMember.first?.count else {
            throw NeymanError.invalid("the spread of an ensemble needs at least two members (got \(perMember.count))")
        }
        guard perMember.allSatisfy({ $0.count == n }) else { throw NeymanError.invalid("ensemble members scored different numbers of events") }
        var mean = [Double](repeating: 0, count: n), std = mean
        var column = [Double](repeating: 0, count: perMember.count)
        for i in 0..<n {
            for (k, values) in perMember.enumerated() { column[k] = values[i] }
            mean[i] = SampleSummary.mean(column)
            std[i] = SampleSummary.standardDeviation(column)
        }
        return (mean, std)
    }
}
