import Foundation
import NeymanCore

extension MuonSample {
    /// The sample with every charged deposit from a pileup vertex removed (category ``ParticleCategory/pileup``):
    /// charged-hadron subtraction (CHS), as particle flow does with the tracks that point to another vertex (CMS
    /// PF+CHS; Delphes' `TrackPileUpSubtractor` in its pileup cards). Neutral pileup stays: nothing tells it apart.
    /// Images, cones and cells are then made from the remaining deposits.
    /// - Throws: ``NeymanError`` if the sample's images came from its file (they cannot be recomputed), or no deposit
    ///   carries a category (a file without categories cannot say which deposits are pileup).
    public func removingChargedPileup() throws -> MuonSample {
        guard suppliedImages == nil else {
            throw NeymanError.invalid("the sample's images come from its file and cannot be recomputed without charged pileup; "
                                      + "keep charged pileup or supply deposits only", parameter: "charged_pileup")
        }
        guard deposits.contains(where: { $0.contains { $0.category != .unknown } }) || deposits.allSatisfy(\.isEmpty) else {
            throw NeymanError.invalid("the sample's deposits carry no categories, so charged pileup cannot be told apart", parameter: "charged_pileup")
        }
        var out = self
        out.deposits = deposits.map { $0.filter { $0.category != .pileup } }
        return out
    }
}
