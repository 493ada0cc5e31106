// eval/NabEvaluation: runs a detector over a NAB corpus the way NAB runs one — each file streamed
// once, in order, through a fresh detector instance — writes NAB's result files
// (`<category>/infrasage_<file>.csv`: timestamp,value,anomaly_score,label) and scores the
// anomaly scores under every profile with one optimised corpus threshold per profile.
// Depends on: eval (corpus, scorer, profiles), detect (the Detector interface).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "detect/Detector.h"
#include "eval/NabCorpus.h"
#include "eval/NabProfiles.h"
#include "eval/NabScorer.h"

namespace infrasage::eval {

// One file after the detector ran: its key ("<category>/<name>.csv"), series and scores.
struct NabFileResult {
    std::string fileKey;
    NabSeries series;  // anomalyScores filled by the detector
};

struct NabProfileResult {
    std::string profile;
    NabScore best;  // at the optimised threshold (raw corpus score)
    double normalised = 0.0;
};

using DetectorFactory = std::function<std::unique_ptr<detect::Detector>()>;

class NabEvaluation {
  public:
    NabEvaluation(NabCorpus corpus, NabProfiles profiles);

    // Every `*.csv` under `dataDir` (sorted by key), each through a new detector from `factory`.
    // Throws std::runtime_error for a file the labels do not know.
    std::vector<NabFileResult> run(const std::filesystem::path& dataDir,
                                   const DetectorFactory& factory) const;

    // A published detector's results, read back for comparison: for every file `run` would stream
    // from `dataDir`, `resultsDir/<category>/<detector>_<file>.csv` with its anomaly_score column
    // (the layout of NAB's results/ tree). Throws std::runtime_error when one is missing.
    std::vector<NabFileResult> load(const std::filesystem::path& dataDir,
                                    const std::filesystem::path& resultsDir,
                                    const std::string& detector) const;

    // NAB's result layout under `outDir`; `label` is 1 inside a labelled window.
    void write(const std::filesystem::path& outDir,
               const std::vector<NabFileResult>& results) const;

    // One line per profile, in NabProfiles order.
    std::vector<NabProfileResult> score(const std::vector<NabFileResult>& results) const;

  private:
    NabCorpus corpus_;
    NabProfiles profiles_;
};

}  // namespace infrasage::eval
