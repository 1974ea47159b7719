#include "core/eval/dataset_choice.h"

#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace kdna {
namespace {

/// One path for a file however it was written (relative, through a link, ...).
std::filesystem::path samePathKey(const std::filesystem::path& p)
{
    std::error_code ec;
    auto c = std::filesystem::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : c;
}

std::vector<std::filesystem::path> annotationPaths(const DatasetSpec& d)
{
    std::vector<std::filesystem::path> out;
    for (const auto& f : d.annotation_files)
        out.push_back(samePathKey(d.resolve(f)));
    return out;
}

bool sameGenome(const DatasetSpec& d, const std::string& fasta)
{
    return samePathKey(d.resolve(d.fasta_file)) == samePathKey(d.resolve(fasta));
}

bool sameAnnotations(const DatasetSpec& d, const std::vector<std::string>& files)
{
    DatasetSpec asked = d;
    asked.annotation_files = files;
    return annotationPaths(d) == annotationPaths(asked);
}

/// The datasets holding distinct data: copies of one genome and track that differ only in
/// strand are one, represented by its direct-strand copy when there is one.
std::vector<std::size_t> distinctDatasets(const std::vector<DatasetSpec>& list)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto same = std::find_if(out.begin(), out.end(), [&](std::size_t r) {
            return sameGenome(list[r], list[i].fasta_file) &&
                   annotationPaths(list[r]) == annotationPaths(list[i]);
        });
        if (same == out.end())
            out.push_back(i);
        else if (list[*same].rc && !list[i].rc)
            *same = i;
    }
    return out;
}

std::string describe(const std::vector<DatasetSpec>& list, const std::vector<std::size_t>& which)
{
    std::vector<std::string> parts;
    for (std::size_t i : which)
        parts.push_back("dataset " + std::to_string(i) + ": " + list[i].fasta_file + " with " +
                        text::join(list[i].annotation_files, ", "));
    return text::join(parts, "; ");
}

DatasetChoice finish(DatasetSpec spec, std::size_t index, const std::string& fasta,
                     const std::vector<std::string>& annotations)
{
    DatasetChoice c;
    c.index = index;
    c.sameData = (fasta.empty() || sameGenome(spec, fasta)) &&
                 (annotations.empty() || sameAnnotations(spec, annotations));
    if (!fasta.empty())
        spec.fasta_file = fasta;
    if (!annotations.empty())
        spec.annotation_files = annotations;
    c.spec = std::move(spec);
    return c;
}

} // namespace

namespace {

/// The distinct datasets of `multi` that `fasta` and `annotations` leave (throws when the
/// genome is none of them and nothing says which tracks go with it).
std::vector<std::size_t> candidatesOf(const MultiSpec& multi, const std::string& fasta,
                                      const std::vector<std::string>& annotations)
{
    const auto& list = multi.dataset_list;
    if (list.empty())
        throw Error::atKeyword("dataset_list", "the MultiGenerator holds no dataset");
    const std::vector<std::size_t> distinct = distinctDatasets(list);
    std::vector<std::size_t> candidates = distinct;
    if (!fasta.empty()) {
        std::erase_if(candidates, [&](std::size_t i) { return !sameGenome(list[i], fasta); });
        if (candidates.empty() && (distinct.size() == 1 || !annotations.empty()))
            candidates = {distinct.front()}; // another genome, with its own tracks
        else if (candidates.empty())
            throw Error::atKeyword("fasta_file",
                                   fasta + " is none of the genomes the model was trained on (" +
                                       describe(list, distinct) +
                                       "); give annotation_files (--annotation) for it too");
    }
    if (candidates.size() > 1 && !annotations.empty()) {
        std::vector<std::size_t> matching = candidates;
        std::erase_if(matching,
                      [&](std::size_t i) { return !sameAnnotations(list[i], annotations); });
        if (!matching.empty())
            candidates = matching;
    }
    return candidates;
}

[[noreturn]] void throwAmbiguous(const MultiSpec& multi, const std::vector<std::size_t>& which)
{
    throw Error::atKeyword("fasta_file",
                           "the model was trained on " + std::to_string(which.size()) +
                               " datasets (" + describe(multi.dataset_list, which) +
                               "); choose the one to use with fasta_file (--fasta), and "
                               "annotation_files (--annotation) where they share a genome, "
                               "or give one --fasta per dataset (" +
                               std::to_string(multi.dataset_list.size()) +
                               ", in dataset order) to use each");
}

/// Whether a prediction from `a` and from `b` is the same: it reads no track, so datasets on
/// one genome differing only in their annotation files (and their normalisation) predict alike
/// when their windows, outputs and inputs agree.
bool predictAlike(const DatasetSpec& a, const DatasetSpec& b)
{
    return sameGenome(a, b.fasta_file) && a.sec_inputs.empty() && b.sec_inputs.empty() &&
           a.window == b.window && a.seq_len == b.seq_len && a.tg_window == b.tg_window &&
           a.nb_annotation_type == b.nb_annotation_type &&
           a.annotation_files.size() == b.annotation_files.size() &&
           a.annotation_list == b.annotation_list && a.downsampling == b.downsampling &&
           a.overlapping == b.overlapping && a.output_shape == b.output_shape &&
           a.dummy_axis == b.dummy_axis && a.alphabet_axis == b.alphabet_axis &&
           a.seq2seq == b.seq2seq && a.predict == b.predict;
}

DatasetChoice chooseAmong(const AnySpec& trained, const std::string& fasta,
                          const std::vector<std::string>& annotations, bool forPrediction)
{
    if (const auto* single = std::get_if<DatasetSpec>(&trained))
        return finish(*single, 0, fasta, annotations);
    const MultiSpec& multi = std::get<MultiSpec>(trained);
    const std::vector<std::size_t> candidates = candidatesOf(multi, fasta, annotations);
    const auto& list = multi.dataset_list;
    const bool alike =
        forPrediction && std::all_of(candidates.begin(), candidates.end(), [&](std::size_t i) {
            return predictAlike(list[candidates.front()], list[i]);
        });
    if (candidates.size() > 1 && !alike)
        throwAmbiguous(multi, candidates);
    DatasetSpec spec = list[candidates.front()];
    spec.batch_size = multi.batch_size;
    return finish(std::move(spec), candidates.front(), fasta, annotations);
}

} // namespace

DatasetChoice chooseDataset(const AnySpec& trained, const std::string& fasta,
                            const std::vector<std::string>& annotations)
{
    return chooseAmong(trained, fasta, annotations, false);
}

DatasetChoice choosePredictionDataset(const AnySpec& trained, const std::string& fasta,
                                      const std::vector<std::string>& annotations)
{
    return chooseAmong(trained, fasta, annotations, true);
}

DatasetChoice datasetAt(const AnySpec& trained, std::size_t index, const std::string& fasta,
                        const std::vector<std::string>& annotations)
{
    DatasetSpec spec;
    if (const auto* single = std::get_if<DatasetSpec>(&trained)) {
        if (index != 0)
            throw Error::atKeyword("fasta_file", "the model was trained on one dataset, not " +
                                                     std::to_string(index + 1));
        spec = *single;
    } else {
        const MultiSpec& multi = std::get<MultiSpec>(trained);
        if (index >= multi.dataset_list.size())
            throw Error::atKeyword("fasta_file", "the MultiGenerator holds " +
                                                     std::to_string(multi.dataset_list.size()) +
                                                     " datasets, not " + std::to_string(index + 1));
        spec = multi.dataset_list[index];
        spec.batch_size = multi.batch_size;
    }
    if (!annotations.empty() && annotations.size() != spec.annotation_files.size())
        throw Error::atKeyword("annotation_files",
                               "dataset " + std::to_string(index) + " (" + spec.fasta_file +
                                   ") was trained on " +
                                   std::to_string(spec.annotation_files.size()) + " file(s) (" +
                                   text::join(spec.annotation_files, ", ") +
                                   "), so give as many, not " + std::to_string(annotations.size()));
    return finish(std::move(spec), index, fasta, annotations);
}

std::vector<DatasetChoice> chooseDatasets(const AnySpec& trained,
                                          const std::vector<std::string>& fastas,
                                          const std::vector<std::string>& annotations)
{
    if (fastas.size() <= 1)
        return {
            chooseDataset(trained, fastas.empty() ? std::string() : fastas.front(), annotations)};
    const auto* multi = std::get_if<MultiSpec>(&trained);
    const std::size_t datasets = multi ? multi->dataset_list.size() : 1;
    std::vector<std::string> needs; // what each dataset takes, for the sentences below
    std::size_t files = 0;
    if (multi)
        for (std::size_t i = 0; i < datasets; ++i) {
            const auto& d = multi->dataset_list[i];
            files += d.annotation_files.size();
            needs.push_back("dataset " + std::to_string(i) + ": --fasta for " + d.fasta_file +
                            ", then " + std::to_string(d.annotation_files.size()) +
                            " --annotation for " + text::join(d.annotation_files, ", "));
        }
    if (fastas.size() != datasets)
        throw Error::atKeyword("fasta_file",
                               std::to_string(fastas.size()) +
                                   " --fasta given, but the model was trained on " +
                                   std::to_string(datasets) + " dataset(s)" +
                                   (multi ? " (" + text::join(needs, "; ") + ")" : std::string()) +
                                   ": give one --fasta, or one per dataset in dataset order");
    if (!annotations.empty() && annotations.size() != files)
        throw Error::atKeyword("annotation_files",
                               std::to_string(annotations.size()) + " --annotation given for " +
                                   std::to_string(datasets) + " datasets, which take " +
                                   std::to_string(files) + " in all, in order (" +
                                   text::join(needs, "; ") +
                                   "); or give none to keep each dataset's own");
    std::vector<DatasetChoice> out;
    auto next = annotations.begin();
    for (std::size_t i = 0; i < datasets; ++i) {
        std::vector<std::string> own;
        if (!annotations.empty()) {
            const auto n =
                static_cast<std::ptrdiff_t>(multi->dataset_list[i].annotation_files.size());
            own.assign(next, next + n);
            next += n;
        }
        out.push_back(datasetAt(trained, i, fastas[i], own));
    }
    return out;
}

} // namespace kdna
