#pragma once

#include "core/data/spec_file.h"

#include <cstddef>
#include <string>
#include <vector>

namespace kdna {

/// The one dataset a trained model is evaluated or predicted on.
struct DatasetChoice {
    DatasetSpec spec;      ///< its keywords, with the genome and annotation files asked for
    std::size_t index = 0; ///< the training dataset it copies (its statistics' index)
    /// The genome and annotation files it was trained on, so its fitted statistics apply.
    bool sameData = true;
};

/// keras_dna evaluates and predicts with one Generator, even for a MultiGenerator model: this
/// picks the training dataset that `fasta` (fasta_file) and `annotations` (annotation_files)
/// name, or the only one. Datasets that differ only in strand (rc) are one dataset, taken on
/// the direct strand, so each position counts once; inst_per_dataset, the training's sample,
/// does not apply. Empty `fasta` / `annotations` keep the dataset's own. Throws, listing the
/// datasets, when several remain and the choice would be a guess.
[[nodiscard]] DatasetChoice chooseDataset(const AnySpec& trained, const std::string& fasta,
                                          const std::vector<std::string>& annotations);

/// chooseDataset for a prediction, which reads no track: where the datasets left differ only in
/// their annotation files and predict alike (predictAlike: same windows, outputs, no secondary
/// input), the first is taken instead of refusing.
[[nodiscard]] DatasetChoice choosePredictionDataset(const AnySpec& trained,
                                                    const std::string& fasta,
                                                    const std::vector<std::string>& annotations);

/// Training dataset `index` (a MultiGenerator's, in dataset order; 0 for a Generator), with
/// `fasta` and `annotations` in place of its own where given. Throws when there is no such
/// dataset or `annotations` does not give one file per file of the dataset.
[[nodiscard]] DatasetChoice datasetAt(const AnySpec& trained, std::size_t index,
                                      const std::string& fasta,
                                      const std::vector<std::string>& annotations);

/// Which datasets the files a user gives (repeatable --fasta and --annotation) choose: one
/// `fasta` or none picks one dataset (chooseDataset); several give one per dataset of a
/// MultiGenerator, in dataset order, and `annotations` then lists each dataset's files in turn
/// (or none: each keeps its own). Throws with a sentence saying which dataset needs which
/// files when the counts do not fit.
[[nodiscard]] std::vector<DatasetChoice>
chooseDatasets(const AnySpec& trained, const std::vector<std::string>& fastas,
               const std::vector<std::string>& annotations);

} // namespace kdna
