import ArgumentParser
import NeymanCore

/// `neyman <verb>`: statistical inference for particle physics with classifiers as likelihood ratios.
struct NeymanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neyman",
        abstract: "Statistical inference for particle physics: fits, profile likelihood, CLs, upper limits.",
        discussion: """
        Every verb that computes numbers accepts --format json and then prints exactly one JSON object on stdout;
        logs and progress go to stderr. Bad input exits with status 2 and a one-line message.
        """,
        version: NeymanVersion.string,
        subcommands: [ClsCommand.self, UpperLimitCommand.self, SignificanceCommand.self, FitCommand.self,
                      TrainCommand.self, PredictCommand.self, StudyCommand.self, MergeCommand.self, SubmitCommand.self, SWeightsCommand.self, AUCCommand.self, ADOCommand.self, EFPCommand.self, IsolationCommand.self, GenerateCommand.self, DcorCommand.self,
                      ReweightCommand.self, ExportCommand.self, EfficiencyCommand.self, ImportanceCommand.self]
    )
}
